package io.pilotd.driver.jclouds;

import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OneCreatePerPilot;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jclouds.compute.ComputeService;
import org.jclouds.compute.RunNodesException;
import org.jclouds.compute.domain.NodeMetadata;
import org.jclouds.compute.domain.Template;
import org.jclouds.compute.domain.TemplateBuilder;
import org.jclouds.compute.options.TemplateOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pilots as VMs of any jclouds compute provider whose VMs can read their metadata. jclouds
 * starts a group's nodes without saying which is which, so each pilot is a create of its own
 * ({@code parallelCreates} at a time) whose node carries, in its metadata, the director, queue,
 * batch and its index in the batch: the VM derives its stamp from the batch and that index.
 * Every node is in the group {@code pilotd-<director>}; one listing of the group answers status,
 * look-ups and the orphan sweep.
 */
final class JcloudsDriver implements PilotDriver {
    private static final Logger log = LoggerFactory.getLogger(JcloudsDriver.class);
    static final String DIRECTOR = "pilotd-director";
    static final String QUEUE = "pilotd-queue";
    static final String BATCH = "pilotd-batch";
    static final String INDEX = "pilotd-index";
    static final String CREATED = "pilotd-created";
    static final Duration CONSISTENCY_WINDOW = Duration.ofMinutes(5);
    private static final String SCHEME = "jclouds://";

    private final JcloudsConfig config;
    private final DriverContext context;
    private final JcloudsContexts contexts;
    private final UserData userData;
    private final OneCreatePerPilot creates;

    JcloudsDriver(JcloudsConfig config, DriverContext context, JcloudsContexts contexts) {
        this.config = config;
        this.context = context;
        this.contexts = contexts;
        this.userData = UserData.of(config.provider());
        this.creates = new OneCreatePerPilot(config.parallelCreates(), "jclouds-create-" + context.queue());
    }

    /** The group of every node of a director: jclouds' names are lower case, dashes and digits. */
    static String group(String directorId) {
        return ("pilotd-" + directorId).toLowerCase().replaceAll("[^a-z0-9-]", "-");
    }

    @Override
    public Map<String, String> submit(PilotRequest request) throws DriverException {
        if (!request.stamps().equals(BatchStamps.stamps(request.batchId(), request.count()))) {
            throw new DriverException("the jclouds driver starts pilots whose stamps derive from their batch id only");
        }
        return creates.submit(request, i -> jobRef(create(request, i).getId()), JcloudsErrors::ofCreate);
    }

    private NodeMetadata create(PilotRequest request, int index) throws RunNodesException, DriverException {
        ComputeService compute = contexts.compute();
        TemplateBuilder builder = compute.templateBuilder().imageId(config.image()).hardwareId(config.hardware());
        config.location().ifPresent(builder::locationId);
        Template template = builder.build();
        TemplateOptions options = template.getOptions();
        options.blockUntilRunning(false);
        placement(options, config);
        options.userMetadata(Map.of(DIRECTOR, context.directorId(), QUEUE, context.queue(), BATCH, request.batchId(),
                INDEX, Integer.toString(index), CREATED, Instant.now().toString()));
        userData.set(options, request.payload().userData());
        Set<? extends NodeMetadata> nodes = compute.createNodesInGroup(group(context.directorId()), 1, template);
        if (nodes.size() != 1) {
            throw new OutcomeUnknownException("jclouds answered a create of one node with " + nodes.size());
        }
        return nodes.iterator().next();
    }

    /**
     * The node's security groups: those the queue names, or, with inboundPorts, one jclouds makes
     * for the group and removes with its last node; else none of jclouds' own (its default opens
     * port 22 in a {@code jclouds-<group>} group it creates, which a cloud's policy may forbid).
     */
    static void placement(TemplateOptions options, JcloudsConfig config) {
        if (!config.securityGroups().isEmpty()) {
            options.securityGroups(config.securityGroups());
        }
        options.inboundPorts(config.inboundPorts().stream().mapToInt(Integer::intValue).toArray());
    }

    private String jobRef(String nodeId) {
        return SCHEME + config.provider() + "/" + nodeId;
    }

    @Override
    public Optional<String> nativeId(String jobRef) {
        return nodeId(jobRef);
    }

    private Optional<String> nodeId(String jobRef) {
        String prefix = SCHEME + config.provider() + "/";
        return jobRef.startsWith(prefix) ? Optional.of(jobRef.substring(prefix.length())) : Optional.empty();
    }

    /** Every node of this director's group, with its metadata. */
    private Set<? extends NodeMetadata> nodes(String directorId, String what) throws DriverException {
        String group = group(directorId);
        try {
            return contexts.compute().listNodesDetailsMatching(node -> node != null && group.equals(node.getGroup())
                    && directorId.equals(node.getUserMetadata().get(DIRECTOR)));
        } catch (RuntimeException e) {
            throw JcloudsErrors.ofRead(what, e);
        }
    }

    @Override
    public BatchLookup lookUp(PilotRequest request, String directorId) throws DriverException {
        Map<String, String> found = new LinkedHashMap<>();
        for (NodeMetadata node : nodes(directorId, "looking up batch " + request.batchId())) {
            Map<String, String> meta = node.getUserMetadata();
            if (request.batchId().equals(meta.get(BATCH)) && context.queue().equals(meta.get(QUEUE))) {
                index(meta).filter(i -> i < request.count())
                        .ifPresent(i -> found.put(request.stamps().get(i), jobRef(node.getId())));
            }
        }
        return new BatchLookup(found, found.size() == request.count());
    }

    private static Optional<Integer> index(Map<String, String> meta) {
        String index = meta.getOrDefault(INDEX, "");
        return index.matches("\\d{1,6}") ? Optional.of(Integer.parseInt(index)) : Optional.empty();
    }

    /** One listing of the group; a node that stopped or failed is destroyed once its state is read. */
    @Override
    public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
        Map<String, String> asked = new LinkedHashMap<>();
        jobRefs.forEach(jobRef -> nodeId(jobRef).ifPresent(id -> asked.put(id, jobRef)));
        Map<String, PilotState> states = new LinkedHashMap<>();
        if (asked.isEmpty()) {
            return states;
        }
        List<String> ended = new ArrayList<>();
        for (NodeMetadata node : nodes(context.directorId(), "status")) {
            String jobRef = asked.get(node.getId());
            if (jobRef == null) {
                continue;
            }
            PilotState state = state(node);
            if (state.status().isFinal() && state.status() != PilotStatus.Deleted) {
                ended.add(node.getId());
            }
            states.put(jobRef, state);
        }
        destroyQuietly(ended);
        return states;
    }

    static PilotState state(NodeMetadata node) {
        String reason = node.getStatus() + (node.getBackendStatus() == null ? "" : " (" + node.getBackendStatus() + ")");
        return switch (node.getStatus()) {
            case PENDING -> PilotState.of(PilotStatus.Scheduled, reason);
            case RUNNING -> PilotState.of(PilotStatus.Running, reason);
            // A pilot VM powers itself off when its pilot ends; jclouds has no console to read its status from.
            case SUSPENDED, TERMINATED -> PilotState.of(PilotStatus.Done, reason + "; powered off");
            case ERROR -> PilotState.of(PilotStatus.Failed, reason);
            default -> PilotState.of(PilotStatus.Unknown, reason);
        };
    }

    private void destroyQuietly(List<String> nodeIds) {
        for (String id : nodeIds) {
            try {
                contexts.compute().destroyNode(id);
            } catch (DriverException | RuntimeException e) {
                // The orphan sweep deletes it: it lists the node while the provider holds it, behind an ended pilot.
                log.warn("[{}] destroying ended node {}: {}", context.queue(), id, e.getMessage());
            }
        }
    }

    /**
     * Each node destroyed on its own: {@code destroyNodesMatching} retries a failed set on a
     * JVM-wide count of its own, and a node it no longer lists is not asked about at all.
     */
    @Override
    public void kill(List<String> jobRefs) throws DriverException {
        Set<String> ids = new LinkedHashSet<>();
        jobRefs.forEach(jobRef -> nodeId(jobRef).ifPresent(ids::add));
        List<String> failed = new ArrayList<>();
        RuntimeException first = null;
        for (String id : ids) {
            try {
                contexts.compute().destroyNode(id);
            } catch (RuntimeException e) {
                failed.add(id);
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw JcloudsErrors.ofRead("destroying " + failed.size() + " of " + ids.size() + " node(s) " + failed, first);
        }
    }

    /** jclouds has no console API common to its providers. */
    @Override
    public Optional<String> output(String jobRef) {
        return Optional.empty();
    }

    @Override
    public List<OwnedPilot> listOwned(String directorId) throws DriverException {
        List<OwnedPilot> owned = new ArrayList<>();
        for (NodeMetadata node : nodes(directorId, "owned by " + directorId)) {
            Map<String, String> meta = node.getUserMetadata();
            Optional<Integer> index = index(meta);
            // TERMINATED: gone, or going, at the provider; a SUSPENDED (powered off) node still holds its resources
            if (meta.containsKey(BATCH) && index.isPresent() && node.getStatus() != NodeMetadata.Status.TERMINATED) {
                Instant created = null;
                try {
                    created = Instant.parse(meta.getOrDefault(CREATED, ""));
                } catch (RuntimeException e) {
                    // Not one of pilotd's timestamps: the sweep counts its age from when it first saw it.
                }
                owned.add(new OwnedPilot(BatchStamps.stamp(meta.get(BATCH), index.get()), jobRef(node.getId()),
                        state(node), created));
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
        contexts.close();
    }
}
