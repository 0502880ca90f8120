package dev.triage.gateway;

import dev.triage.core.config.Env;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.gateway.relay.ChangeStreamRelay;

import java.time.Duration;

/**
 * Everything the gateway reads at start.
 *
 * @param kafka           broker and topics
 * @param mongo           the queries collection watched by the relay
 * @param host            {@code GATEWAY_HOST}, interface the HTTP server binds
 * @param port            {@code GATEWAY_PORT}, HTTP port (0 = a free port)
 * @param classifyTimeout {@code CLASSIFY_TIMEOUT}, how long POST /classify waits for its reply
 * @param maxBodyBytes    {@code GATEWAY_MAX_BODY_BYTES}, largest request body accepted
 * @param relayEnabled    {@code RELAY_ENABLED}, whether this instance may relay new queries from MongoDB
 * @param relayLeaseTtl   {@code RELAY_LEASE_TTL}, how long a relay's lease lasts without renewal
 * @param relay           {@code RELAY_CHECKPOINT_EVENTS}, {@code RELAY_CHECKPOINT_INTERVAL}: how often the relay saves its position
 */
public record GatewayConfig(KafkaSettings kafka, MongoSettings mongo, String host, int port,
                            Duration classifyTimeout, long maxBodyBytes, boolean relayEnabled, Duration relayLeaseTtl,
                            ChangeStreamRelay.Settings relay) {

    public GatewayConfig {
        Env.requireText("GATEWAY_HOST", host);
        if (port < 0 || port > 65535) {
            throw new dev.triage.core.config.ConfigException("GATEWAY_PORT must be between 0 and 65535, was " + port);
        }
        Env.requirePositive("CLASSIFY_TIMEOUT", classifyTimeout);
        Env.requireAtLeast("GATEWAY_MAX_BODY_BYTES", maxBodyBytes, 1024);
        Env.requirePositive("RELAY_LEASE_TTL", relayLeaseTtl);
        Env.requireAtLeast("RELAY_CHECKPOINT_EVENTS", relay.checkpointEvents(), 1);
        Env.requirePositive("RELAY_CHECKPOINT_INTERVAL", relay.checkpointInterval());
    }

    public static GatewayConfig fromEnv(Env env) {
        return new GatewayConfig(KafkaSettings.fromEnv(env), MongoSettings.fromEnv(env),
                env.string("GATEWAY_HOST", "0.0.0.0"),
                env.integer("GATEWAY_PORT", 8000),
                env.duration("CLASSIFY_TIMEOUT", Duration.ofSeconds(30)),
                env.integer("GATEWAY_MAX_BODY_BYTES", 1024 * 1024),
                env.bool("RELAY_ENABLED", true),
                env.duration("RELAY_LEASE_TTL", Duration.ofSeconds(30)),
                new ChangeStreamRelay.Settings(Duration.ofMillis(100), env.integer("RELAY_CHECKPOINT_EVENTS", 1000),
                        env.duration("RELAY_CHECKPOINT_INTERVAL", Duration.ofSeconds(1))));
    }
}
