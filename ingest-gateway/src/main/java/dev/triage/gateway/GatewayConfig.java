package dev.triage.gateway;

import dev.triage.core.config.Env;
import dev.triage.core.config.MongoSettings;
import dev.triage.core.kafka.KafkaSettings;
import dev.triage.gateway.http.HttpSettings;
import dev.triage.gateway.relay.ChangeStreamRelay;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Everything the gateway reads at start.
 *
 * @param kafka         broker and topics
 * @param mongo         the queries collection watched by the relay, results and statistics read by the API
 * @param http          the HTTP API
 * @param instanceId    {@code GATEWAY_INSTANCE_ID}, names this instance's reply topic; default the host name
 * @param relayEnabled  {@code RELAY_ENABLED}, whether this instance may relay new queries from MongoDB
 * @param relayLeaseTtl {@code RELAY_LEASE_TTL}, how long a relay's lease lasts without renewal
 * @param relay         {@code RELAY_CHECKPOINT_EVENTS}, {@code RELAY_CHECKPOINT_INTERVAL}: how often the relay saves its position
 */
public record GatewayConfig(KafkaSettings kafka, MongoSettings mongo, HttpSettings http, String instanceId, boolean relayEnabled,
                            Duration relayLeaseTtl, ChangeStreamRelay.Settings relay) {

    public GatewayConfig {
        Env.requireText("GATEWAY_INSTANCE_ID", instanceId);
        Env.requirePositive("RELAY_LEASE_TTL", relayLeaseTtl);
        Env.requireAtLeast("RELAY_CHECKPOINT_EVENTS", relay.checkpointEvents(), 1);
        Env.requirePositive("RELAY_CHECKPOINT_INTERVAL", relay.checkpointInterval());
    }

    public static GatewayConfig fromEnv(Env env) {
        GatewayConfig config = new GatewayConfig(KafkaSettings.fromEnv(env), MongoSettings.fromEnv(env), HttpSettings.fromEnv(env),
                env.string("GATEWAY_INSTANCE_ID", hostName()),
                env.bool("RELAY_ENABLED", true),
                env.duration("RELAY_LEASE_TTL", Duration.ofSeconds(30)),
                new ChangeStreamRelay.Settings(Duration.ofMillis(100), env.integer("RELAY_CHECKPOINT_EVENTS", 1000),
                        env.duration("RELAY_CHECKPOINT_INTERVAL", Duration.ofSeconds(1))));
        warnIfTimeoutTooShort(config.http().classifyTimeout(), env);
        return config;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "gateway";
        }
    }

    /** A request that times out before the classifier gave up on the model answers 504 for nothing. */
    private static void warnIfTimeoutTooShort(Duration classifyTimeout, Env env) {
        Duration llm;
        try {
            llm = env.duration("LLM_TIMEOUT", Duration.ofSeconds(60)).multipliedBy(env.integer("LLM_MAX_ATTEMPTS", 3));
        } catch (dev.triage.core.config.ConfigException e) {
            return; // the classifier's settings, checked where they are used
        }
        if (classifyTimeout.compareTo(llm) < 0) {
            LoggerFactory.getLogger(GatewayConfig.class).warn("CLASSIFY_TIMEOUT ({} s) is shorter than LLM_TIMEOUT x "
                    + "LLM_MAX_ATTEMPTS ({} s): slow classifications will answer 504 although they finish later",
                    classifyTimeout.toSeconds(), llm.toSeconds());
        }
    }
}
