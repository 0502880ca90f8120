package dev.triage.classifier.stats;

import dev.triage.core.kafka.KafkaSettings;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/** The {@link StatsTopology} running as a Kafka Streams application, exactly once. */
public final class StatsService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatsService.class);

    private final KafkaStreams streams;

    private StatsService(KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * @param applicationId the Streams application (all instances with the same id share the work)
     * @param stateDir      where this instance keeps its local window stores
     */
    public static StatsService start(KafkaSettings kafka, String applicationId, Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        StatsTopology.build(builder, kafka.topics().classifications(), kafka.topics().stats());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        // the topology has no global tables; without this Kafka Streams warns twice at every start
        // (once still: its partition assignor builds a StreamsConfig of its own without the property)
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("statistics stream failed, replacing its thread", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        LOG.info("statistics: counting {} into {} (1m and 1h windows)", kafka.topics().classifications(),
                kafka.topics().stats());
        return new StatsService(streams);
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
