package dev.triage.core.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The BSON type of a query's original {@code _id}, carried end to end so the sink updates
 * the very document the relay read ({@code ObjectId("...")} and {@code "..."} are different ids).
 */
public enum IdType {
    @JsonProperty("object_id") OBJECT_ID,
    @JsonProperty("string") STRING
}
