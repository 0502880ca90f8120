package dev.triage.classifier.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One chat call to a model server, asynchronous. Failures are typed: {@link LlmTransientException}
 * (retry), {@link LlmUnavailableException} (outage, wait), {@link LlmRejectedException} (this
 * conversation was refused: the record's fault).
 */
public interface LlmClient {

    /** The model asked, as written into results. */
    String model();

    /** The wire protocol ({@code ollama}, {@code openai}), the {@code provider} tag of the call metrics. */
    String provider();

    /** Asks for an answer to {@code messages}, constrained to {@code schema} where the server can. */
    CompletableFuture<LlmAnswer> chat(List<ChatMessage> messages, ObjectNode schema);
}
