package dev.triage.core.kafka;

/**
 * Why a record was dead-lettered; the value of the {@code triage-error-code} header.
 * Only record-caused failures have a code: outages are waited out, never dead-lettered.
 */
public enum ErrorCode {
    /** The value is not a decodable, valid record (malformed JSON, missing fields, empty conversation). */
    INVALID_PAYLOAD,
    /** The conversation is larger than {@code CONVERSATION_MAX_CHARS}. */
    CONVERSATION_TOO_LARGE,
    /** The model server refused this conversation (HTTP 400, 413 or 422: too long, bad content). */
    LLM_REJECTED,
    /** The model's answer never passed validation within the allowed attempts. */
    LLM_BAD_OUTPUT,
    /**
     * The model server kept failing this conversation's calls (5xx, timeouts) while it answered
     * others, {@code LLM_RECORD_MAX_ATTEMPTS} times: a conversation the server cannot handle.
     */
    LLM_FAILED,
    /**
     * MongoDB refused the sink's write of this result or of its query's status with an error tied to
     * that one document (a validator, a field of the wrong type, a document too large...); the error
     * message names the server's error code and message.
     */
    WRITE_REJECTED
}
