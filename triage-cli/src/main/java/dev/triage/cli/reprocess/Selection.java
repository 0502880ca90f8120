package dev.triage.cli.reprocess;

import com.mongodb.client.model.Filters;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * Which queries {@code triage reprocess} resets: by what the pipeline made of them ({@link Status}),
 * optionally only those the sink marked at or after {@code since} ({@code updated_at}, which the
 * sink sets on every query it marks), and ANDed with a user's own MongoDB filter.
 */
record Selection(Status status, Instant since, Bson extra) {

    /** What the pipeline made of a query. */
    enum Status {
        /** Dead-lettered: {@code status: "failed"}. */
        FAILED,
        /** Classified: {@code processed: true}. */
        CLASSIFIED,
        /** Either. */
        ALL;

        Bson filter() {
            return switch (this) {
                case FAILED -> Filters.eq("status", "failed");
                case CLASSIFIED -> Filters.eq("processed", true);
                case ALL -> Filters.or(FAILED.filter(), CLASSIFIED.filter());
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The MongoDB filter of the selected queries. */
    Bson filter() {
        List<Bson> all = new ArrayList<>(List.of(status.filter()));
        if (since != null) {
            all.add(Filters.gte("updated_at", Date.from(since)));
        }
        if (extra != null) {
            all.add(extra);
        }
        return all.size() == 1 ? all.get(0) : Filters.and(all);
    }
}
