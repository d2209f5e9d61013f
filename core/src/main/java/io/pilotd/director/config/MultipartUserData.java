package io.pilotd.director.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * cloud-init's MIME multi-part user-data: pilotd's cloud-config first, then the site's own
 * parts, each typed by its first line the way cloud-init's {@code make-mime} types them.
 */
public final class MultipartUserData {
    /** cloud-init's types, by how a part's first line starts. */
    private static final Map<String, String> TYPES = Map.of(
            "#cloud-config", "text/cloud-config",
            "#!", "text/x-shellscript",
            "#include", "text/x-include-url",
            "#cloud-boothook", "text/cloud-boothook",
            "## template: jinja", "text/jinja2",
            "#part-handler", "text/part-handler");
    private MultipartUserData() {
    }

    /** @param parts each part's text; the first is pilotd's */
    public static String of(List<String> parts) {
        String boundary = "pilotd-" + UUID.nameUUIDFromBytes(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        out.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\n");
        out.append("MIME-Version: 1.0\n\n");
        int n = 0;
        for (String part : parts) {
            n++;
            out.append("--").append(boundary).append('\n');
            out.append("Content-Type: ").append(type(part)).append("; charset=\"utf-8\"\n");
            out.append("MIME-Version: 1.0\n");
            // As it is, not base64: what is sent stays readable, and its secrets can be found to redact.
            out.append("Content-Transfer-Encoding: 8bit\n");
            out.append("Content-Disposition: attachment; filename=\"part-").append(n).append("\"\n\n");
            out.append(part.endsWith("\n") ? part : part + "\n");
        }
        out.append("--").append(boundary).append("--\n");
        return out.toString();
    }

    /** The MIME type cloud-init gives a part by its first line, or null when it gives none. */
    public static String type(String part) {
        String first = part.lines().findFirst().orElse("").strip();
        return TYPES.entrySet().stream().filter(t -> first.startsWith(t.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }
}
