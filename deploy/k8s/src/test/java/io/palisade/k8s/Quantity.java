package io.palisade.k8s;

import java.math.BigDecimal;
import java.util.Map;

/** Kubernetes resource quantities ("500m", "2", "768Mi", "1Gi", "1G") as plain numbers, to compare them. */
final class Quantity {

    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("m", new BigDecimal("0.001")),
            Map.entry("k", BigDecimal.valueOf(1_000L)),
            Map.entry("M", BigDecimal.valueOf(1_000_000L)),
            Map.entry("G", BigDecimal.valueOf(1_000_000_000L)),
            Map.entry("T", BigDecimal.valueOf(1_000_000_000_000L)),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)));

    private Quantity() {
    }

    static BigDecimal parse(String q) {
        String s = q.trim();
        int i = s.length();
        while (i > 0 && Character.isLetter(s.charAt(i - 1))) {
            i--;
        }
        String suffix = s.substring(i);
        BigDecimal number = new BigDecimal(s.substring(0, i));
        if (suffix.isEmpty()) {
            return number;
        }
        BigDecimal factor = SUFFIXES.get(suffix);
        if (factor == null) {
            throw new IllegalArgumentException("unknown quantity suffix in " + q);
        }
        return number.multiply(factor);
    }
}
