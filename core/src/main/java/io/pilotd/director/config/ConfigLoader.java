package io.pilotd.director.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pilotd.driver.api.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a config file: binds the YAML strictly (unknown keys and wrong types refused with their
 * line), then has {@link ConfigValidator} check the values. Every problem names file, line and
 * field path.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    private final ConfigValidator validator;

    /** A config that passed, and what in it may not work yet (a program not there now): said, not refused. */
    public record Checked(PilotdConfig config, List<ConfigProblem> warnings) {
    }

    public ConfigLoader(ConfigValidator validator) {
        this.validator = validator;
    }

    /** Reads a config file, and logs at WARN what in it may not work yet. */
    public PilotdConfig load(Path file) {
        return logged(check(file));
    }

    /** Reads a config file, and says what in it may not work yet. */
    public Checked check(Path file) {
        String name = file.toString();
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, "no such file");
        } catch (IOException e) {
            throw new ConfigException(name, "cannot read: " + e.getMessage());
        }
        return check(name, yaml);
    }

    /** Binds and validates YAML text; {@code name} is what problems call the file. */
    public PilotdConfig parse(String name, String yaml) {
        return logged(check(name, yaml));
    }

    private static PilotdConfig logged(Checked checked) {
        checked.warnings().forEach(warning -> LOG.warn("{}", warning));
        return checked.config();
    }

    private Checked check(String name, String yaml) {
        List<ConfigValidator.Finding> unknownKeys = new ArrayList<>();
        List<ConfigValidator.Finding> wrongTypes = new ArrayList<>();
        PilotdConfig config;
        try {
            config = mapper(unknownKeys, wrongTypes).readValue(yaml, PilotdConfig.class);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof InputCoercionException big) {
                throw new ConfigException(List.of(tooBig(name, yaml, FieldPath.of(e.getPath()), big)));
            }
            if (e.getCause() instanceof JsonProcessingException syntax && !(syntax instanceof JsonMappingException)) {
                throw new ConfigException(List.of(syntaxProblem(name, syntax)));
            }
            throw new ConfigException(List.of(bindingProblem(name, e)));
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of(syntaxProblem(name, e)));
        }
        if (config == null) {
            config = new PilotdConfig(null, null, null, null, null, null);
        }
        List<ConfigValidator.Finding> findings = new ArrayList<>(unknownKeys);
        findings.addAll(wrongTypes);
        if (wrongTypes.isEmpty()) {
            // Values of the wrong type were bound as missing: only a config of the right types is checked further.
            findings.addAll(validator.validate(config));
        }
        YamlLines lines = YamlLines.of(yaml);
        List<ConfigProblem> problems = findings.stream().filter(f -> !f.warning()).map(f -> located(name, lines, f)).toList();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Checked(config, findings.stream().filter(ConfigValidator.Finding::warning).map(f -> located(name, lines, f)).toList());
    }

    private static ConfigProblem located(String name, YamlLines lines, ConfigValidator.Finding finding) {
        return new ConfigProblem(name, lines.lineOf(finding.path().pointer()), finding.path().dotted(), finding.message());
    }

    /** A number too big for its field, with the field's path. */
    private static ConfigProblem tooBig(String name, String yaml, FieldPath path, InputCoercionException e) {
        int line = e.getLocation() == null ? YamlLines.of(yaml).lineOf(path.pointer()) : e.getLocation().getLineNr();
        return new ConfigProblem(name, line, path.dotted(), "is too big for " + describe(e.getTargetType())
                + " (at most " + Integer.MAX_VALUE + ")");
    }

    /** The context that names an unknown key: the outermost of a run naming it (its value may have opened its own). */
    private static JsonStreamContext keyContext(JsonStreamContext context, String key) {
        JsonStreamContext named = null;
        for (JsonStreamContext c = context; c != null; c = c.getParent()) {
            if (c.inObject() && key.equals(c.getCurrentName())) {
                named = c;
            } else if (named != null) {
                break;
            }
        }
        return named != null ? named : context;
    }

    /**
     * Where an unknown key is. A record's unknown keys met before its last creator property are
     * replayed from a buffer once it is built, whose contexts have lost their place in the file;
     * the reading parser then sits at the record's end (or on its last creator property), which
     * tells where the record is.
     */
    private static FieldPath unknownKeyPath(DeserializationContext ctxt, JsonParser p, String property) {
        JsonParser reading = ctxt.getParser();
        if (p == reading) {
            return FieldPath.of(keyContext(p.getParsingContext(), property));
        }
        JsonStreamContext at = reading.getParsingContext();
        JsonStreamContext record = reading.currentToken() == JsonToken.END_OBJECT ? at : at.getParent();
        return FieldPath.of(record).key(property);
    }

    private static ObjectMapper mapper(List<ConfigValidator.Finding> unknownKeys, List<ConfigValidator.Finding> wrongTypes) {
        SimpleModule durations = new SimpleModule("pilotd-durations");
        durations.addDeserializer(Duration.class, new DurationDeserializer(wrongTypes));
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        mapper.registerModule(durations);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // Unknown keys are collected rather than thrown, so that one run names every typo.
        mapper.addHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                                 JsonDeserializer<?> deserializer, Object bean,
                                                 String property) throws IOException {
                FieldPath path = unknownKeyPath(ctxt, p, property);
                TreeSet<String> known = new TreeSet<>();
                deserializer.getKnownPropertyNames().forEach(k -> known.add(k.toString()));
                unknownKeys.add(new ConfigValidator.Finding(path,
                        "unknown key '" + property + "' (known here: " + String.join(", ", known) + ")"));
                p.skipChildren();
                return true;
            }

            // Values of the wrong type are collected too, and bound as missing, so that one run names them all.
            @Override
            public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value,
                                                 String failureMsg) {
                wrongTypes.add(new ConfigValidator.Finding(FieldPath.of(ctxt.getParser().getParsingContext()),
                        "'" + value + "' is not " + describe(targetType)));
                return null;
            }

            @Override
            public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken token,
                                                JsonParser p, String failureMsg) throws IOException {
                if (targetType.isRecordType()) {
                    return NOT_HANDLED;
                }
                wrongTypes.add(new ConfigValidator.Finding(keyPath(p), "expected " + describe(targetType.getRawClass())));
                p.skipChildren();
                return null;
            }
        });
        return mapper;
    }

    /** The path of the key whose value the parser is on (a list or mapping value has opened a context of its own). */
    private static FieldPath keyPath(JsonParser p) {
        JsonStreamContext context = p.getParsingContext();
        return FieldPath.of(p.currentToken() != null && p.currentToken().isStructStart() ? context.getParent() : context);
    }

    /** The YAML parser's words, without the source excerpt it draws under them. */
    private static ConfigProblem syntaxProblem(String name, JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        String message = e.getOriginalMessage().lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("in 'reader'") && !l.equals("^"))
                .collect(Collectors.joining(", "));
        return new ConfigProblem(name, line, "", "not valid YAML: " + message);
    }

    private static ConfigProblem bindingProblem(String name, JsonMappingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        String message;
        if (e instanceof InvalidFormatException invalid) {
            message = invalid.getTargetType() == Duration.class
                    ? invalid.getOriginalMessage()
                    : "'" + invalid.getValue() + "' is not " + describe(invalid.getTargetType());
        } else if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            message = "expected " + describe(mismatch.getTargetType());
        } else {
            message = e.getOriginalMessage();
        }
        return new ConfigProblem(name, line, FieldPath.of(e.getPath()).dotted(), message);
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a single value";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type.isRecord() || Map.class.isAssignableFrom(type)) {
            return "a mapping of keys to values";
        }
        return "a " + type.getSimpleName();
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        private final List<ConfigValidator.Finding> wrongTypes;

        DurationDeserializer(List<ConfigValidator.Finding> wrongTypes) {
            this.wrongTypes = wrongTypes;
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            if (text == null) {
                wrongTypes.add(new ConfigValidator.Finding(keyPath(p), "expected a duration such as 90s, 5m or 2h"));
                p.skipChildren();
                return null;
            }
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                wrongTypes.add(new ConfigValidator.Finding(FieldPath.of(p.getParsingContext()), e.getMessage()));
                return null;
            }
        }
    }
}
