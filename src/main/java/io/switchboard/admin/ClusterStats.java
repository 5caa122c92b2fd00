package io.switchboard.admin;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/stats?scope=cluster}: every node's {@link StatsView} added up (operations.md). Counts
 * and totals add; {@code pool.utilisation}, {@code heartbeat.successRate} and {@code zombieRate} are
 * worked out again from the sums; round-trip percentiles are the highest of any node (percentiles do
 * not add); {@code topUsers} is recounted over every node. {@code node} and {@code drain} are each
 * node's own and appear only under {@code byNode}.
 */
final class ClusterStats {

    private static final Set<String> PER_NODE = Set.of("node", "drain");

    private ClusterStats() {
    }

    /**
     * @param byNode each answering node's stats as JSON, this node first
     * @param silent the nodes that did not answer in time
     */
    static JsonObject of(Map<String, String> byNode, List<String> silent) {
        JsonObject total = null;
        JsonObjectBuilder nodes = Json.createObjectBuilder();
        Map<String, Integer> users = new HashMap<>();
        double p50 = 0;
        double p90 = 0;
        double p99 = 0;
        for (Map.Entry<String, String> e : byNode.entrySet()) {
            JsonObject one = Json.createReader(new StringReader(e.getValue())).readObject();
            nodes.add(e.getKey(), one);
            JsonObject hb = one.getJsonObject("heartbeat");
            p50 = Math.max(p50, num(hb, "rttP50Ms"));
            p90 = Math.max(p90, num(hb, "rttP90Ms"));
            p99 = Math.max(p99, num(hb, "rttP99Ms"));
            for (JsonValue u : one.getJsonObject("pool").getJsonArray("topUsers")) {
                users.merge(u.asJsonObject().getString("userId"), u.asJsonObject().getInt("connections"), Integer::sum);
            }
            total = total == null ? one : add(total, one);
        }
        JsonObject pool = total.getJsonObject("pool");
        long active = (long) num(pool, "active");
        long max = (long) num(pool, "max");
        JsonObject hb = total.getJsonObject("heartbeat");
        long answered = (long) num(hb, "answered");
        long missed = (long) num(hb, "missed");
        long closes = 0;
        for (JsonValue n : total.getJsonObject("closesByCode").values()) {
            closes += n instanceof JsonNumber number ? number.longValue() : 0;
        }
        JsonObjectBuilder t = Json.createObjectBuilder(total);
        PER_NODE.forEach(t::remove);
        t.add("pool", Json.createObjectBuilder(pool)
                .add("utilisation", max == 0 ? 0.0 : round(active / (double) max))
                .add("topUsers", topUsers(users)));
        t.add("heartbeat", Json.createObjectBuilder(hb)
                .add("successRate", answered + missed == 0 ? 1.0 : round(answered / (double) (answered + missed)))
                .add("zombieRate", closes == 0 ? 0.0 : round((long) num(hb, "zombiesClosed") / (double) closes))
                .add("rttP50Ms", p50).add("rttP90Ms", p90).add("rttP99Ms", p99));
        return Json.createObjectBuilder()
                .add("scope", "cluster")
                .add("nodes", Json.createArrayBuilder(new ArrayList<>(byNode.keySet())))
                .add("silentNodes", Json.createArrayBuilder(silent))
                .add("total", t)
                .add("byNode", nodes)
                .build();
    }

    private static JsonArray topUsers(Map<String, Integer> users) {
        var top = Json.createArrayBuilder();
        users.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(StatsView.TOP_USERS)
                .forEach(e -> top.add(Json.createObjectBuilder().add("userId", e.getKey()).add("connections", e.getValue())));
        return top.build();
    }

    /** A figure of a node's answer; 0 when missing or not a number. */
    private static double num(JsonObject o, String key) {
        return o.get(key) instanceof JsonNumber n ? n.doubleValue() : 0;
    }

    private static double round(double ratio) {
        return Math.round(10_000.0 * ratio) / 10_000.0;
    }

    /** Two stats trees added member by member: numbers add, objects recurse, booleans or; else the first's. */
    static JsonObject add(JsonObject a, JsonObject b) {
        Set<String> keys = new LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        Map<String, JsonValue> sum = new LinkedHashMap<>();
        for (String k : keys) {
            JsonValue x = a.get(k);
            JsonValue y = b.get(k);
            sum.put(k, x == null ? y : y == null ? x : add(x, y));
        }
        return Json.createObjectBuilder(sum).build();
    }

    private static JsonValue add(JsonValue x, JsonValue y) {
        if (x instanceof JsonNumber m && y instanceof JsonNumber n) {
            return m.isIntegral() && n.isIntegral()
                    ? Json.createValue(m.longValue() + n.longValue())
                    : Json.createValue(m.doubleValue() + n.doubleValue());
        }
        if (x instanceof JsonObject m && y instanceof JsonObject n) {
            return add(m, n);
        }
        if ((x == JsonValue.TRUE || x == JsonValue.FALSE) && (y == JsonValue.TRUE || y == JsonValue.FALSE)) {
            return x == JsonValue.TRUE || y == JsonValue.TRUE ? JsonValue.TRUE : JsonValue.FALSE;
        }
        return x;
    }
}
