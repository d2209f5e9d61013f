package io.pilotd.driver.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.ExitStatus;
import io.pilotd.driver.api.NotYetListedException;
import io.pilotd.driver.api.OneCreatePerPilot;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PartlyRefusedException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.api.RetryableDriverException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.GZIPOutputStream;
import org.openstack4j.model.common.ActionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pilots as Nova servers booted with cloud-init. {@code n} pilots are one multi-create
 * (min_count/max_count), named for the director, queue and batch; Nova has no idempotency token,
 * so a create is never re-sent, and one whose answer was lost is found again by the batch's
 * server names over the consistency window. Each server's stamp is the batch's stamp at its
 * launch index (the {@code -k} suffix Nova gives its name says which). Servers are found again
 * by one paginated list per call, never one call per pilot.
 */
final class OpenStackDriver implements PilotDriver {
    private static final Logger log = LoggerFactory.getLogger(OpenStackDriver.class);
    /** Nova's limit on user_data, base64-encoded. */
    static final int USER_DATA_LIMIT = 65_535;
    static final Duration CONSISTENCY_WINDOW = Duration.ofMinutes(5);
    private static final Duration LIST_POLL = Duration.ofSeconds(1);
    private static final String SCHEME = "openstack://";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Image, flavor and networks as Nova knows them, looked up once (the key pair checked then). */
    private record Resolved(String imageId, String flavorId, List<String> networkIds) {
    }

    private final OpenStackConfig config;
    private final DriverContext context;
    private final Keystone keystone;
    private final NovaApi nova;
    private final OneCreatePerPilot creates;
    private volatile Resolved resolved;

    OpenStackDriver(OpenStackConfig config, DriverContext context, Keystone keystone, NovaApi nova) {
        this.config = config;
        this.context = context;
        this.keystone = keystone;
        this.nova = nova;
        this.creates = new OneCreatePerPilot(config.parallelCreates(), "openstack-create-" + context.queue());
    }

    @Override
    public Map<String, String> submit(PilotRequest request) throws DriverException {
        if (!request.stamps().equals(BatchStamps.stamps(request.batchId(), request.count()))) {
            throw new DriverException("the openstack driver starts pilots whose stamps derive from their batch id only");
        }
        Resolved resources = resolve();
        String userData = userData(request.payload().userData());
        String name = ServerNames.ofBatch(context.directorId(), context.queue(), request.batchId());
        if (config.multiCreate() || request.count() == 1) {
            return createAll(request, server(resources, request, name, userData));
        }
        return createOneByOne(request, resources, name, userData);
    }

    /**
     * One multi-create of all {@code n} (min_count = max_count = n), so that Nova's answer is
     * definite: all were made, or none. When the quota admits fewer, Nova's refusal says how many
     * it does ({@link NovaQuota}); unless the queue wants all or nothing, those are created at
     * once, and the others are refused with Nova's words in the same call.
     */
    private Map<String, String> createAll(PilotRequest request, ObjectNode server) throws DriverException {
        String what = "the create of batch " + request.batchId();
        int n = request.count();
        server.put("min_count", n).put("max_count", n).put("return_reservation_id", true);
        int k;
        NovaApi.NovaError refusal;
        try {
            nova.create(server);
            return awaitListed(request, n);
        } catch (NovaApi.NovaError e) {
            OptionalInt fits = config.allOrNothing() ? OptionalInt.empty() : NovaQuota.fits(e.status, e.getMessage(), n);
            if (fits.isEmpty() || fits.getAsInt() < 1 || fits.getAsInt() >= n) {
                throw classified(e, what);
            }
            k = fits.getAsInt();
            refusal = e;
        } catch (IOException e) {
            throw lost(e, what);
        }
        server.put("min_count", k).put("max_count", k);
        createOrThrow(server, "the create of the first " + k + " of batch " + request.batchId());
        List<String> refused = request.stamps().subList(k, n);
        String why = "Nova refused " + (n - k) + " of the " + n + " servers of batch " + request.batchId() + " ("
                + refusal.status + "): " + refusal.getMessage();
        Map<String, String> started;
        try {
            started = awaitListed(request, k);
        } catch (NotYetListedException e) {
            // those not listed yet stay Submitting, for the look-up; the refused ones are settled now
            started = e.listed();
            why += "; " + e.getMessage();
        }
        throw new PartlyRefusedException(why, started, refused);
    }

    private ObjectNode server(Resolved resources, PilotRequest request, String name, String userData) {
        ObjectNode server = JSON.createObjectNode().put("name", name).put("imageRef", resources.imageId())
                .put("flavorRef", resources.flavorId());
        if (!userData.isEmpty()) {
            server.put("user_data", userData);
        }
        ObjectNode metadata = server.putObject("metadata");
        config.metadata().forEach(metadata::put);
        metadata.put(ServerNames.DIRECTOR, context.directorId()).put(ServerNames.QUEUE, context.queue())
                .put(ServerNames.BATCH, request.batchId());
        if (config.networks().equals(List.of("none"))) {
            server.put("networks", "none");
        } else if (resources.networkIds().isEmpty()) {
            server.put("networks", "auto");
        } else {
            ArrayNode networks = server.putArray("networks");
            resources.networkIds().forEach(id -> networks.addObject().put("uuid", id));
        }
        config.keyName().ifPresent(key -> server.put("key_name", key));
        if (!config.securityGroups().isEmpty()) {
            ArrayNode groups = server.putArray("security_groups");
            config.securityGroups().forEach(g -> groups.addObject().put("name", g));
        }
        config.availabilityZone().ifPresent(zone -> server.put("availability_zone", zone));
        return server;
    }

    private JsonNode createOrThrow(ObjectNode server, String what) throws DriverException {
        try {
            return nova.create(server);
        } catch (NovaApi.NovaError e) {
            throw classified(e, what);
        } catch (IOException e) {
            throw lost(e, what);
        }
    }

    /** Nova's error answer to a create, in the contract's terms. */
    private static DriverException classified(NovaApi.NovaError e, String what) {
        if (e.status == 409 || e.status == 429) {
            return new RetryableDriverException("Nova did not take " + what + " now (" + e.status + "): " + e.getMessage());
        }
        if (e.status >= 500) {
            return new OutcomeUnknownException("Nova answered " + e.status + " to " + what + ", which it may have"
                    + " carried out: " + e.getMessage());
        }
        return new DriverException("Nova refused " + what + " (" + e.status + "): " + e.getMessage());
    }

    /** A create that failed in transport: lost after Nova may have acted, unless its connection never opened. */
    private static DriverException lost(IOException e, String what) {
        if (DriverException.neverSent(e)) {
            return new RetryableDriverException("Nova was not reached for " + what + ", nothing was sent: "
                    + DriverException.describe(e), e);
        }
        return new OutcomeUnknownException("the answer to " + what + " was lost: " + DriverException.describe(e), e);
    }

    /**
     * Nova answers a multi-create with its reservation only: the servers' ids come from the list,
     * which may lag. When it shows fewer than the {@code expected} made after {@code listWait},
     * the rest are still coming (the create made all or none): that is for the look-up to settle,
     * and no failure.
     */
    private Map<String, String> awaitListed(PilotRequest request, int expected) throws DriverException {
        Instant deadline = Instant.now().plus(config.listWait());
        BatchLookup found = new BatchLookup(Map.of(), false);
        try {
            found = lookUp(request, context.directorId());
            while (found.jobRefs().size() < expected && Instant.now().isBefore(deadline)) {
                Thread.sleep(LIST_POLL.toMillis());
                found = lookUp(request, context.directorId());
            }
        } catch (DriverException e) {
            throw new NotYetListedException("Nova took batch " + request.batchId() + " but could not list it: "
                    + DriverException.describe(e), found.jobRefs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (found.jobRefs().size() < expected) {
            throw new NotYetListedException("Nova took batch " + request.batchId() + " but lists " + found.jobRefs().size()
                    + " of its " + expected + " servers after " + config.listWait().toSeconds()
                    + "s: the rest are looked for by name over the consistency window", found.jobRefs());
        }
        return found.jobRefs();
    }

    /** Where multi-create is forbidden: one create per pilot, a few at a time, each server told its index. */
    private Map<String, String> createOneByOne(PilotRequest request, Resolved resources, String name, String userData)
            throws DriverException {
        return creates.submit(request, i -> {
            ObjectNode server = server(resources, request, name + "-" + (i + 1), userData);
            ((ObjectNode) server.get("metadata")).put(ServerNames.INDEX, Integer.toString(i));
            JsonNode created = createOrThrow(server, "the create of server " + (i + 1) + " of batch " + request.batchId());
            return jobRef(created.path("server").path("id").asText());
        }, cause -> cause instanceof DriverException d ? d
                : new OutcomeUnknownException("a create failed: " + cause, cause));
    }

    /** Looks the image, flavor, networks and key pair up once, by id or else by name. */
    private Resolved resolve() throws DriverException {
        Resolved known = resolved;
        if (known != null) {
            return known;
        }
        known = keystone.call("looking up the image, flavor and networks", os -> {
            String image = one("image", config.image(), () -> os.imagesV2().get(config.image()),
                    () -> os.imagesV2().list(Map.of("name", config.image())).stream().map(i -> i.getId()).toList());
            String flavor = one("flavor", config.flavor(), () -> os.compute().flavors().get(config.flavor()),
                    () -> os.compute().flavors().list().stream().filter(f -> config.flavor().equals(f.getName()))
                            .map(f -> f.getId()).toList());
            List<String> networks = new ArrayList<>();
            if (!config.networks().equals(List.of("none"))) {
                for (String network : config.networks()) {
                    networks.add(one("networks", network, () -> os.networking().network().get(network),
                            () -> os.networking().network().list(Map.of("name", network)).stream().map(n -> n.getId()).toList()));
                }
            }
            if (config.keyName().isPresent() && os.compute().keypairs().get(config.keyName().get()) == null) {
                throw new DriverException("keyName: the key pair '" + config.keyName().get() + "' does not exist for "
                        + keystone.host());
            }
            return new Resolved(image, flavor, List.copyOf(networks));
        });
        resolved = known;
        return known;
    }

    private interface Lookup<T> {
        T get();
    }

    /** The id of the one resource with this name, or else with this id. */
    private String one(String parameter, String value, Lookup<Object> byId, Lookup<List<String>> byName) throws DriverException {
        List<String> ids = byName.get();
        if (ids.isEmpty()) {
            if (byId.get() != null) {
                return value;
            }
            throw new DriverException(parameter + ": '" + value + "' does not exist at " + keystone.host()
                    + " (neither as a name nor as an id)");
        }
        if (ids.size() > 1) {
            throw new DriverException(parameter + ": " + ids.size() + " resources are named '" + value + "': give its id"
                    + " (one of " + ids + ")");
        }
        return ids.get(0);
    }

    /** Base64 user-data, gzipped when it would not fit (cloud-init reads both). */
    static String userData(String text) throws DriverException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return "";
        }
        String encoded = Base64.getEncoder().encodeToString(bytes);
        if (encoded.length() > USER_DATA_LIMIT) {
            encoded = Base64.getEncoder().encodeToString(gzip(bytes));
            if (encoded.length() > USER_DATA_LIMIT) {
                throw new DriverException("the user-data is " + encoded.length() + " bytes in base64 even gzipped, over"
                        + " Nova's " + USER_DATA_LIMIT + "-byte limit");
            }
        }
        return encoded;
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("gzip in memory failed", e);
        }
        return out.toByteArray();
    }

    private String jobRef(String serverId) {
        return SCHEME + keystone.host() + "/" + keystone.region() + "/" + serverId;
    }

    @Override
    public Optional<String> nativeId(String jobRef) {
        return serverId(jobRef);
    }

    private Optional<String> serverId(String jobRef) {
        String prefix = SCHEME + keystone.host() + "/" + keystone.region() + "/";
        return jobRef.startsWith(prefix) ? Optional.of(jobRef.substring(prefix.length())) : Optional.empty();
    }

    private List<NovaApi.Server> list(String prefix, String what) throws DriverException {
        try {
            return nova.list(ServerNames.startingWith(prefix));
        } catch (NovaApi.NovaError e) {
            throw new RetryableDriverException("Nova's server list (" + what + ") failed (" + e.status + "): "
                    + e.getMessage());
        } catch (IOException e) {
            throw new RetryableDriverException("Nova's server list (" + what + ") did not answer: " + DriverException.describe(e),
                    e);
        }
    }

    /** Finds the batch's servers by their names; definite once all are listed. */
    @Override
    public BatchLookup lookUp(PilotRequest request, String directorId) throws DriverException {
        String batchName = ServerNames.ofBatch(directorId, context.queue(), request.batchId());
        Map<String, String> found = new LinkedHashMap<>();
        for (NovaApi.Server server : list(batchName, "batch " + request.batchId())) {
            OptionalInt index = ServerNames.index(server.name(), batchName);
            if (index.isPresent() && index.getAsInt() < request.count()
                    && directorId.equals(server.metadata().get(ServerNames.DIRECTOR))) {
                found.put(request.stamps().get(index.getAsInt()), jobRef(server.id()));
            }
        }
        return new BatchLookup(found, found.size() == request.count());
    }

    /**
     * One list of the queue's servers (all pages). A server that powered itself off has ended:
     * its console says how its pilot did, and it is deleted. One in ERROR is deleted too.
     */
    @Override
    public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
        Map<String, String> asked = new LinkedHashMap<>();
        jobRefs.forEach(jobRef -> serverId(jobRef).ifPresent(id -> asked.put(id, jobRef)));
        Map<String, PilotState> states = new LinkedHashMap<>();
        if (asked.isEmpty()) {
            return states;
        }
        List<String> ended = new ArrayList<>();
        for (NovaApi.Server server : list(ServerNames.ofQueue(context.directorId(), context.queue()), "status")) {
            String jobRef = asked.get(server.id());
            if (jobRef == null) {
                continue;
            }
            PilotState state = state(server);
            if ("SHUTOFF".equals(server.status())) {
                state = exitStatus(server);
            }
            if (state.status().isFinal()) {
                ended.add(server.id());
            }
            states.put(jobRef, state);
        }
        try {
            delete(ended);
        } catch (DriverException e) {
            // The states stand: the servers gone already are gone from the next list too, and the
            // orphan sweep deletes one left, as it lists every server the cloud holds.
            log.warn("[{}] deleting {} ended pilot VM(s): {}", context.queue(), ended.size(), e.getMessage());
        }
        return states;
    }

    static PilotState state(NovaApi.Server server) {
        String reason = server.status() + (server.fault().isEmpty() ? "" : ": " + server.fault());
        return switch (server.status()) {
            case "BUILD" -> PilotState.of(PilotStatus.Scheduled, reason);
            case "ACTIVE", "REBOOT", "HARD_REBOOT", "MIGRATING", "RESIZE", "VERIFY_RESIZE", "REVERT_RESIZE", "PASSWORD",
                 "REBUILD" -> PilotState.of(PilotStatus.Running, reason);
            case "SHUTOFF" -> PilotState.of(PilotStatus.Done, reason);
            case "ERROR" -> PilotState.of(PilotStatus.Failed, reason);
            case "DELETED", "SOFT_DELETED" -> PilotState.of(PilotStatus.Deleted, reason);
            case "PAUSED", "SUSPENDED", "SHELVED", "SHELVED_OFFLOADED", "RESCUE" -> PilotState.of(PilotStatus.Failed,
                    reason + "; deleted by pilotd: a pilot VM taken out of service never resumes");
            default -> PilotState.of(PilotStatus.Unknown, reason);
        };
    }

    /** The pilot's exit status, from the console of the VM that powered itself off (Nova's console log is current). */
    private PilotState exitStatus(NovaApi.Server server) throws DriverException {
        OptionalInt status = ExitStatus.in(console(server.id()));
        if (status.isEmpty()) {
            return PilotState.of(PilotStatus.Failed, "SHUTOFF without its pilot's exit status on the console"
                    + " (stopped from outside, or the VM failed before its pilot ended)");
        }
        return status.getAsInt() == 0
                ? PilotState.of(PilotStatus.Done, "SHUTOFF; the pilot exited with status 0")
                : PilotState.of(PilotStatus.Failed, "SHUTOFF; the pilot exited with status " + status.getAsInt());
    }

    private String console(String serverId) throws DriverException {
        String output = keystone.call("the console of server " + serverId,
                os -> os.compute().servers().getConsoleOutput(serverId, 0));
        return output == null ? "" : output;
    }

    @Override
    public void kill(List<String> jobRefs) throws DriverException {
        delete(jobRefs.stream().map(this::serverId).flatMap(Optional::stream).toList());
    }

    /** Nova deletes one server per call; a server gone already is no error. */
    private void delete(List<String> serverIds) throws DriverException {
        if (serverIds.isEmpty()) {
            return;
        }
        keystone.call("deleting servers", os -> {
            for (String id : serverIds) {
                ActionResponse response = os.compute().servers().delete(id);
                if (!response.isSuccess() && response.getCode() != 404) {
                    throw new RetryableDriverException("Nova did not delete server " + id + " (" + response.getCode() + "): "
                            + response.getFault());
                }
            }
            return null;
        });
    }

    @Override
    public Optional<String> output(String jobRef) throws DriverException {
        Optional<String> id = serverId(jobRef);
        return id.isEmpty() ? Optional.empty() : Optional.of(console(id.get()));
    }

    @Override
    public List<OwnedPilot> listOwned(String directorId) throws DriverException {
        List<OwnedPilot> owned = new ArrayList<>();
        for (NovaApi.Server server : list(ServerNames.ofDirector(directorId), "owned by " + directorId)) {
            Map<String, String> meta = server.metadata();
            String batch = meta.get(ServerNames.BATCH);
            String queue = meta.get(ServerNames.QUEUE);
            if (!directorId.equals(meta.get(ServerNames.DIRECTOR)) || batch == null || queue == null) {
                continue;
            }
            OptionalInt index = meta.getOrDefault(ServerNames.INDEX, "").matches("\\d{1,6}")
                    ? OptionalInt.of(Integer.parseInt(meta.get(ServerNames.INDEX)))
                    : ServerNames.index(server.name(), ServerNames.ofBatch(directorId, queue, batch));
            if (index.isPresent()) {
                owned.add(new OwnedPilot(BatchStamps.stamp(batch, index.getAsInt()), jobRef(server.id()), state(server),
                        server.created()));
            }
        }
        return owned;
    }

    @Override
    public Duration consistencyWindow() {
        return CONSISTENCY_WINDOW;
    }

    @Override
    public void close() {
        creates.close();
    }
}
