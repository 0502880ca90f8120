package dev.triage.localstack.llm;

import java.util.Map;
import java.util.OptionalLong;

/** What the {@link AdmissionPolicy} decided for a chat request. */
sealed interface Verdict {

    /** Answered at once with an error, taking no processing slot. */
    record AnswerNow(int status, Map<String, ?> body, OptionalLong retryAfterSeconds) implements Verdict {

        AnswerNow(int status, Map<String, ?> body) {
            this(status, body, OptionalLong.empty());
        }
    }

    /** Never answered and taking no slot, as a model server that lost the request: the client must time out. */
    record Hang() implements Verdict {
    }

    /** Queued for a processing slot, then answered 200 after the latency; malformed when {@code badOutput}. */
    record Process(boolean badOutput) implements Verdict {
    }
}
