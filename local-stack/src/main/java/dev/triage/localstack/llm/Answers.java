package dev.triage.localstack.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.core.json.Json;
import dev.triage.core.model.Classification;

import java.util.Optional;

/**
 * What a chat request that got past the faults answers: a malformed answer when the faults say so;
 * else, with a {@link LabelOracle} on, the oracle's labels for a conversation it knows (counted as
 * a hit) or the simulated classification (counted as a miss); else the simulated classification.
 */
final class Answers {

    private final LabelOracle oracle;
    private final long seed;
    private final Dice dice;
    private final ChatStats stats;

    Answers(LabelOracle oracle, long seed, Dice dice, ChatStats stats) {
        this.oracle = oracle;
        this.seed = seed;
        this.dice = dice;
        this.stats = stats;
    }

    /** The answer's content; {@code schema} is the JSON schema the request asked for, or null. */
    String content(JsonNode request, JsonNode schema, boolean badOutput) {
        if (badOutput) {
            return SimulatedAnswer.malformed(dice);
        }
        String conversation = AdmissionPolicy.conversation(request);
        if (oracle.isOn()) {
            Optional<Classification> known = oracle.answer(conversation, seed);
            stats.oracleConsulted(known.isPresent());
            if (known.isPresent()) {
                return Json.encodeToString(known.get());
            }
        }
        return SimulatedAnswer.classify(conversation, schema);
    }
}
