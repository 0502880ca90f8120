package dev.triage.core.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The BSON type of a query's original {@code _id}, carried end to end so the sink updates
 * the very document the relay read ({@code ObjectId("...")}, {@code "..."}, {@code 7} and
 * {@code NumberLong(7)} are different ids, or compare differently). The id's text depends on it:
 * see {@link dev.triage.core.mongo.QueryIds}.
 */
public enum IdType {
    /** ObjectId; text = its 24 hex digits. */
    @JsonProperty("object_id") OBJECT_ID,
    /** String; text = the string. */
    @JsonProperty("string") STRING,
    /** Int32; text = the decimal number. */
    @JsonProperty("int") INT,
    /** Int64; text = the decimal number. */
    @JsonProperty("long") LONG,
    /** Binary subtype 4 (standard UUID); text = the canonical UUID string. */
    @JsonProperty("uuid") UUID,
    /** Any other BSON value (double, Decimal128, date, document, binary subtype 3...); text = its canonical Extended JSON. */
    @JsonProperty("bson") BSON
}
