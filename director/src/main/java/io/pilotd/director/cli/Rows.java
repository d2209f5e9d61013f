package io.pilotd.director.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.pilotd.driver.api.Durations;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A listing: named columns and rows of values, printed as a table, CSV or JSON. */
final class Rows {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** Made only when JSON is asked for: a table or CSV should not wait for it. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    private final List<String> columns;
    private final List<List<Object>> rows = new ArrayList<>();

    Rows(String... columns) {
        this.columns = List.of(columns);
    }

    Rows add(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(values.length + " values for " + columns.size() + " columns");
        }
        rows.add(Arrays.asList(values));
        return this;
    }

    void print(PrintWriter out, OutputFormat format) {
        switch (format) {
            case json -> printJson(out, asMaps());
            case csv -> out.print(csvText());
            case table -> out.print(table());
        }
        out.flush();
    }

    /** Any value as JSON, times as ISO-8601 text. */
    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(Json.MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    /** The rows as column-to-value maps, durations in seconds. */
    List<Map<String, Object>> asMaps() {
        List<Map<String, Object>> maps = new ArrayList<>();
        for (List<Object> row : rows) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                Object value = row.get(i);
                map.put(columns.get(i), value instanceof Duration d ? d.toSeconds() : value);
            }
            maps.add(map);
        }
        return maps;
    }

    private String csvText() {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        columns.forEach(schema::addColumn);
        List<List<String>> text = rows.stream().map(r -> r.stream().map(Rows::text).toList()).toList();
        // Quote only the values that need it, so that plain values read back as they are.
        CsvMapper csv = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();
        try {
            return csv.writer(schema.build()).writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String table() {
        int[] widths = new int[columns.size()];
        List<List<String>> text = new ArrayList<>();
        text.add(columns.stream().map(String::toUpperCase).toList());
        rows.forEach(r -> text.add(r.stream().map(Rows::text).toList()));
        for (List<String> row : text) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : text) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(String.format("%-" + widths[i] + "s", row.get(i)));
                if (i < row.size() - 1) {
                    line.append("  ");
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Instant instant) {
            return TIME.format(instant);
        }
        if (value instanceof Duration duration) {
            return Durations.format(duration);
        }
        if (value instanceof Collection<?> values) {
            return values.stream().map(Rows::text).collect(Collectors.joining(","));
        }
        return value.toString();
    }
}
