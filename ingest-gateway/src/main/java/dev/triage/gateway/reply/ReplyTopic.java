package dev.triage.gateway.reply;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Each gateway instance gets its replies on its own topic, {@code <TOPIC_REPLIES>.<GATEWAY_INSTANCE_ID>}
 * with one partition, so instances side by side never read each other's replies. The topic is
 * kept when the instance stops: a restarted instance with the same id reuses it, and a reply to a
 * request abandoned at shutdown never meets a missing topic (which would stall the classifier's
 * producer while it waits for metadata). Replies expire after {@code retention}, so a retired
 * instance's topic empties itself and can be deleted at leisure.
 */
public final class ReplyTopic {

    private ReplyTopic() {
    }

    /** The topic name for an instance id; characters Kafka does not allow in a name become '-'. */
    public static String nameFor(String base, String instanceId) {
        String id = instanceId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        return base + "." + id.substring(0, Math.min(id.length(), 200));
    }

    /** Creates the topic unless it exists. */
    public static void ensure(Admin admin, String name, short replicationFactor, Duration retention, Duration timeout) {
        NewTopic topic = new NewTopic(name, 1, replicationFactor)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retention.toMillis())));
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the reply topic " + name + ": " + e.getCause().getMessage(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create the reply topic " + name + " within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the reply topic " + name, e);
        }
    }
}
