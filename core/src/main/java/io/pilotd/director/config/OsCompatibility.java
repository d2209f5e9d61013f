package io.pilotd.director.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DIRAC's OS compatibility ({@code /Resources/Computing/OSCompatibility} of its CS, mirrored in
 * {@code dirac.osCompatibility}): each DIRAC platform with the OSes it runs on. Transcribed from
 * DIRAC's src/DIRAC/ConfigurationSystem/Client/Helpers/Resources.py (getDIRACPlatform,
 * _platformSortKey).
 */
final class OsCompatibility {
    /** _platformSortKey's re.split(r"(\d+|[a-z]+|\.| -)", version.lower()). */
    private static final Pattern PART = Pattern.compile("\\d+|[a-z]+|\\.| -");
    private static final Comparator<List<String>> LOOSE_VERSION = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    private OsCompatibility() {
    }

    /**
     * getDIRACPlatform([os]): the DIRAC platforms whose OS list holds {@code os} (each platform
     * counting as one of its own OSes), highest first; empty when none.
     */
    static List<String> platformsFor(String os, Map<String, List<String>> compatibility) {
        List<String> platforms = new ArrayList<>();
        compatibility.forEach((platform, oses) -> {
            List<String> all = new ArrayList<>(oses.stream().filter(o -> o != null).map(o -> o.replace(" ", "")).toList());
            if (!all.contains(platform)) {
                all.add(platform);
            }
            if (all.contains(os)) {
                platforms.add(platform);
            }
        });
        // Python's sort(key, reverse=True) is stable, as List.sort is
        platforms.sort(Comparator.comparing(OsCompatibility::sortKey, LOOSE_VERSION).reversed());
        return platforms;
    }

    /** _platformSortKey: a loose version's parts, numbers padded to 8 digits, a number's trailing zero parts dropped before a word. */
    static List<String> sortKey(String version) {
        List<String> pieces = new ArrayList<>();
        String lower = version.toLowerCase(Locale.ROOT);
        Matcher m = PART.matcher(lower);
        int at = 0;
        while (m.find()) {
            pieces.add(lower.substring(at, m.start()));
            pieces.add(m.group());
            at = m.end();
        }
        pieces.add(lower.substring(at));
        List<String> parts = new ArrayList<>();
        for (String part : pieces) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (Character.isDigit(part.charAt(0))) {
                part = "0".repeat(Math.max(0, 8 - part.length())) + part;
            } else {
                while (!parts.isEmpty() && parts.get(parts.size() - 1).equals("00000000")) {
                    parts.remove(parts.size() - 1);
                }
            }
            parts.add(part);
        }
        return parts;
    }

    /** The mapping as given, in its order. */
    static Map<String, List<String>> copy(Map<String, List<String>> compatibility) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (compatibility != null) {
            compatibility.forEach((platform, oses) -> copy.put(platform,
                    oses == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(oses))));
        }
        return copy;
    }
}
