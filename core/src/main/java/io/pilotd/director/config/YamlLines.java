package io.pilotd.director.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The line of every key and list item of a YAML document, so that a problem found after binding
 * (a negative limit, an unknown driver) can still be reported at its line.
 */
final class YamlLines {
    private final Map<JsonPointer, Integer> lines;

    private YamlLines(Map<JsonPointer, Integer> lines) {
        this.lines = lines;
    }

    static YamlLines of(String yaml) {
        Map<JsonPointer, Integer> lines = new HashMap<>();
        try (JsonParser parser = new YAMLFactory().createParser(yaml)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    continue;
                }
                // A container opens its own context: its key or index is in the enclosing one.
                JsonPointer pointer = token.isStructStart()
                        ? parser.getParsingContext().getParent().pathAsPointer()
                        : parser.getParsingContext().pathAsPointer();
                lines.putIfAbsent(pointer, parser.currentTokenLocation().getLineNr());
            }
        } catch (IOException e) {
            // A document the binder could read but this cannot is reported by the binder.
        }
        return new YamlLines(lines);
    }

    /** The line of the path's key, or of its nearest ancestor present in the document; 0 if none. */
    int lineOf(JsonPointer pointer) {
        for (JsonPointer p = pointer; p != null; p = p.head()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.matches()) {
                break;
            }
        }
        return 0;
    }
}
