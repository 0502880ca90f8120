package dev.triage.gateway.reply;

import dev.triage.core.model.ClassificationResult;
import dev.triage.core.model.ErrorReply;

/** What came back for a request: a result, or the reason it could not be classified. */
public record Reply(ClassificationResult result, ErrorReply error) {

    public boolean isError() {
        return error != null;
    }
}
