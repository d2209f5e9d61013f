package io.pilotd.director.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** A field's place in the config: shown as {@code queues[2].limits.maxWaiting}, looked up as a JSON pointer. */
record FieldPath(String dotted, JsonPointer pointer) {
    static final FieldPath ROOT = new FieldPath("", JsonPointer.empty());

    /** A key; one with dots in it (a site name) is shown in brackets to stay readable. */
    FieldPath key(String name) {
        String shown = name.contains(".") ? dotted + "[\"" + name + "\"]" : dotted.isEmpty() ? name : dotted + "." + name;
        return new FieldPath(shown, pointer.appendProperty(name));
    }

    FieldPath index(int i) {
        return new FieldPath(dotted + "[" + i + "]", pointer.appendIndex(i));
    }

    /** Parses the dotted form a driver uses for nested parameters ({@code tags.owner}). */
    FieldPath keys(String dottedNames) {
        FieldPath path = this;
        for (String name : dottedNames.split("\\.")) {
            path = path.key(name);
        }
        return path;
    }

    /** The path of the parser's current key or item. */
    static FieldPath of(JsonStreamContext context) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        FieldPath path = ROOT;
        for (JsonStreamContext c : chain) {
            path = c.inArray() ? path.index(c.getCurrentIndex()) : path.key(c.getCurrentName());
        }
        return path;
    }

    static FieldPath of(List<JsonMappingException.Reference> references) {
        FieldPath path = ROOT;
        for (JsonMappingException.Reference ref : references) {
            path = ref.getFieldName() != null ? path.key(ref.getFieldName()) : path.index(ref.getIndex());
        }
        return path;
    }
}
