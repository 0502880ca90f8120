package dev.triage.classifier.stats;

import dev.triage.core.kafka.KafkaSettings;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The {@link StatsTopology} running as a Kafka Streams application, exactly once, inside the
 * classifier process.
 */
public final class StatsService implements AutoCloseable {

    /**
     * The application id of the statistics stream. {@code -v2}: the exact counts (tables keyed by
     * query) have other stores and internal topics than the windowed counts of {@code triage-stats};
     * under a new id the stream counts the retained classifications from their start into new
     * stores, where the old id would go on from the old offsets with empty stores and publish
     * counts too low for the current buckets.
     */
    public static final String APPLICATION_ID = "triage-stats-v2";

    /** Segments of the repartition topics and counts changelogs: 1 MiB, or 10 minutes, whichever is first. */
    static final int INTERNAL_SEGMENT_BYTES = 1 << 20;
    static final long INTERNAL_SEGMENT_MS = Duration.ofMinutes(10).toMillis();

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
        Properties props = properties(kafka, applicationId, stateDir);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        StatsTopology.build(builder, kafka.topics().classifications(), kafka.topics().stats());
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("statistics stream failed, replacing its thread", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        LOG.info("statistics: counting {} into {} (1m and 1h buckets, each query once)",
                kafka.topics().classifications(), kafka.topics().stats());
        return new StatsService(streams);
    }

    /**
     * Exactly once, because the counts are aggregates that a record applied twice after a crash
     * would leave wrong for good. Internal topics and stores must be named in the topology: their
     * names are the application's data, and a generated one would change with the topology.
     */
    static Properties properties(KafkaSettings kafka, String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // Internal topics in small segments: a repartition topic's records are deleted (purged) once
        // committed, and a counts changelog keeps only each bucket's latest value, but a broker frees
        // the disk only segment by segment, and never the active one: with the defaults (50 MB for
        // repartition topics, the broker's 1 GB for changelogs) a laptop's stack kept every record.
        // The results changelog, which keeps an entry per query anyway, sets larger ones (StatsTopology).
        // Kafka Streams never alters a topic that exists: topics created before keep their segments
        // (docs/operations.md gives the command that changes them).
        props.put(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_BYTES_CONFIG), INTERNAL_SEGMENT_BYTES);
        props.put(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_MS_CONFIG), INTERNAL_SEGMENT_MS);
        // Transactions v2 add a partition to the transaction with its first batch. Right after a
        // commit that batch may be refused with CONCURRENT_TRANSACTIONS (the previous transaction's
        // markers are still being written) and retried; with more requests in flight, the later
        // batches of that partition reach the broker first and are refused as out of order
        // ("Expected sequence 0 ... with no existing state"), then retried: one request at a time.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
        // the topology has no global tables; without this Kafka Streams warns twice at every start
        // (once still: its partition assignor builds a StreamsConfig of its own without the property)
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return props;
    }

    /**
     * Stops the stream and leaves its group, so that the next start (a restart of the process) is
     * given the partitions at once instead of waiting out the old member's session timeout.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
