package io.pilotd.fakes;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * EC2's Query/XML API over an in-memory set of instances. As in EC2, RunInstances is idempotent
 * by ClientToken (a repeated token answers with the reservation it made, at once), while
 * DescribeInstances and TerminateInstances see an instance only once the listing lag has passed.
 */
public final class FakeEc2 {
    private static final String NS = " xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"";
    private static final Set<String> ENDED = Set.of("shutting-down", "terminated");

    /** One instance. */
    public static final class Instance {
        public final String id;
        public final int launchIndex;
        public final Map<String, String> tags = new LinkedHashMap<>();
        public final Map<String, String> run;
        volatile String state = "pending";
        volatile String reasonCode;
        volatile String reasonMessage;
        volatile Instant launchTime;
        /** What EC2 has posted of the VM's console. */
        volatile String console = "";

        Instance(String id, int launchIndex, Map<String, String> run, Instant launchTime) {
            this.id = id;
            this.launchIndex = launchIndex;
            this.run = run;
            this.launchTime = launchTime;
        }

        public String state() {
            return state;
        }

        /** Not yet shutting down or terminated: it costs money and may run a pilot. */
        public boolean isAlive() {
            return !ENDED.contains(state);
        }
    }

    private final CloudBehaviour behaviour;
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final Map<String, List<Instance>> byClientToken = new LinkedHashMap<>();
    /** Like some EC2-compatible clouds: every RunInstances starts instances, whatever its ClientToken. */
    public volatile boolean ignoresClientToken;
    /** How many more instances the region can start; fewer than asked starts what fits. */
    public volatile int capacity = Integer.MAX_VALUE;
    /** DescribeInstances returns at most this many per page. */
    public volatile int pageSize = 1000;

    FakeEc2(CloudBehaviour behaviour) {
        this.behaviour = behaviour;
    }

    /** Every instance that really exists, listed or not. */
    public synchronized List<Instance> instances() {
        return List.copyOf(instances.values());
    }

    public synchronized Instance instance(String id) {
        return instances.get(id);
    }

    public synchronized void set(String id, String state, String reasonCode, String reasonMessage) {
        Instance instance = instances.get(id);
        instance.state = state;
        instance.reasonCode = reasonCode;
        instance.reasonMessage = reasonMessage;
    }

    public synchronized void launchedAt(String id, Instant time) {
        instances.get(id).launchTime = time;
    }

    /** Appends to the console output EC2 shows of the instance (posted late on the real one). */
    public synchronized void postConsole(String id, String text) {
        Instance instance = instances.get(id);
        instance.console = instance.console + text;
    }

    /**
     * The VM's pilot ended with this status and the VM powered itself off, as pilotd's user-data
     * makes it: the status on the console, the instance terminated by its own shutdown.
     */
    public synchronized void pilotEnded(String id, int status) {
        postConsole(id, "pilotd-pilot-exit-status: " + status + "\n");
        set(id, "terminated", "Client.InstanceInitiatedShutdown",
                "Client.InstanceInitiatedShutdown: Instance initiated shutdown");
    }

    /** An instance made outside pilotd, e.g. by hand in the console, with these tags. */
    public synchronized Instance createByHand(Map<String, String> tags) {
        Instance instance = new Instance(String.format("i-%017x", FakeAws.IDS.incrementAndGet()), 0,
                Map.of("ImageId", "ami-0000000000000hand", "InstanceType", "t3.micro"), behaviour.clock().instant());
        instance.tags.putAll(tags);
        instance.state = "running";
        instances.put(instance.id, instance);
        return instance;
    }

    private boolean listed(Instance instance) {
        return behaviour.listed(instance.launchTime);
    }

    synchronized FakeAws.Reply handle(Map<String, String> form) {
        return switch (form.getOrDefault("Action", "")) {
            case "RunInstances" -> run(form);
            case "DescribeInstances" -> describe(form);
            case "TerminateInstances" -> terminate(form);
            case "GetConsoleOutput" -> console(form);
            case "CreateTags" -> createTags(form);
            default -> FakeAws.ec2Error(400, "InvalidAction", "unknown action");
        };
    }

    private FakeAws.Reply run(Map<String, String> form) {
        if (form.get("ImageId").endsWith("dead")) {
            return FakeAws.ec2Error(400, "InvalidAMIID.NotFound", "The image id '[" + form.get("ImageId") + "]' does not exist");
        }
        String token = ignoresClientToken ? null : form.get("ClientToken");
        List<Instance> started = token == null ? null : byClientToken.get(token);
        if (started != null && !started.get(0).run.equals(form)) {
            return FakeAws.ec2Error(400, "IdempotentParameterMismatch",
                    "The client token you have provided is associated with a resource that is already deleted or was"
                            + " created with different parameters");
        }
        if (started == null) {
            int min = Integer.parseInt(form.get("MinCount"));
            int max = Integer.parseInt(form.get("MaxCount"));
            int count = Math.min(max, capacity);
            if (count < min) {
                return FakeAws.ec2Error(500, "InsufficientInstanceCapacity", "We currently do not have sufficient capacity");
            }
            capacity -= count;
            started = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Instance instance = new Instance(String.format("i-%017x", FakeAws.IDS.incrementAndGet()), i, form,
                        behaviour.clock().instant());
                for (int s = 1; form.containsKey("TagSpecification." + s + ".ResourceType"); s++) {
                    if ("instance".equals(form.get("TagSpecification." + s + ".ResourceType"))) {
                        for (int t = 1; form.containsKey("TagSpecification." + s + ".Tag." + t + ".Key"); t++) {
                            instance.tags.put(form.get("TagSpecification." + s + ".Tag." + t + ".Key"),
                                    form.get("TagSpecification." + s + ".Tag." + t + ".Value"));
                        }
                    }
                }
                instances.put(instance.id, instance);
                started.add(instance);
            }
            if (token != null) {
                byClientToken.put(token, started);
            }
        }
        StringBuilder xml = new StringBuilder("<RunInstancesResponse" + NS + "><requestId>1</requestId>"
                + "<reservationId>r-1</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>");
        started.forEach(instance -> xml.append(item(instance)));
        return FakeAws.Reply.xml(xml.append("</instancesSet></RunInstancesResponse>").toString());
    }

    /** Filters as EC2 applies them: every filter must match, any of a filter's values. */
    private static boolean matches(Instance instance, Map<String, String> form) {
        for (int f = 1; form.containsKey("Filter." + f + ".Name"); f++) {
            String name = form.get("Filter." + f + ".Name");
            Set<String> values = new HashSet<>();
            for (int v = 1; form.containsKey("Filter." + f + ".Value." + v); v++) {
                values.add(form.get("Filter." + f + ".Value." + v));
            }
            String actual = switch (name) {
                case "instance-id" -> instance.id;
                case "instance-state-name" -> instance.state;
                default -> name.startsWith("tag:") ? instance.tags.get(name.substring(4)) : null;
            };
            if (actual == null || !values.contains(actual)) {
                return false;
            }
        }
        return true;
    }

    private FakeAws.Reply describe(Map<String, String> form) {
        for (int f = 1; form.containsKey("Filter." + f + ".Name"); f++) {
            if (form.containsKey("Filter." + f + ".Value.201")) {
                return FakeAws.ec2Error(400, "InvalidParameterValue", "The maximum number of filter values is 200");
            }
        }
        List<Instance> matching = new ArrayList<>();
        for (Instance instance : instances.values()) {
            if (listed(instance) && matches(instance, form)) {
                matching.add(instance);
            }
        }
        int from = form.containsKey("NextToken") ? Integer.parseInt(form.get("NextToken")) : 0;
        int to = Math.min(matching.size(), from + Math.min(pageSize,
                Integer.parseInt(form.getOrDefault("MaxResults", "1000"))));
        StringBuilder xml = new StringBuilder("<DescribeInstancesResponse" + NS + "><requestId>1</requestId><reservationSet>");
        for (Instance instance : matching.subList(from, to)) {
            xml.append("<item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>")
                    .append(item(instance)).append("</instancesSet></item>");
        }
        xml.append("</reservationSet>");
        if (to < matching.size()) {
            xml.append("<nextToken>").append(to).append("</nextToken>");
        }
        return FakeAws.Reply.xml(xml.append("</DescribeInstancesResponse>").toString());
    }

    private static String item(Instance instance) {
        StringBuilder xml = new StringBuilder("<item><instanceId>").append(instance.id).append("</instanceId>")
                .append("<imageId>").append(instance.run.get("ImageId")).append("</imageId>")
                .append("<instanceState><code>0</code><name>").append(instance.state).append("</name></instanceState>")
                .append("<amiLaunchIndex>").append(instance.launchIndex).append("</amiLaunchIndex>")
                .append("<instanceType>").append(instance.run.get("InstanceType")).append("</instanceType>")
                .append("<launchTime>").append(instance.launchTime).append("</launchTime>");
        if (instance.reasonCode != null) {
            xml.append("<stateReason><code>").append(instance.reasonCode).append("</code><message>")
                    .append(instance.reasonMessage).append("</message></stateReason>");
        }
        xml.append("<tagSet>");
        instance.tags.forEach((k, v) -> xml.append("<item><key>").append(k).append("</key><value>").append(escape(v))
                .append("</value></item>"));
        return xml.append("</tagSet></item>").toString();
    }

    private FakeAws.Reply terminate(Map<String, String> form) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; form.containsKey("InstanceId." + i); i++) {
            ids.add(form.get("InstanceId." + i));
        }
        for (String id : ids) {
            Instance instance = instances.get(id);
            if (instance == null || !listed(instance)) {
                return FakeAws.ec2Error(400, "InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
            }
        }
        for (String id : ids) {
            if (instances.get(id).isAlive()) {
                set(id, "shutting-down", "Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: User initiated shutdown");
            }
        }
        return FakeAws.Reply.xml("<TerminateInstancesResponse" + NS + "><requestId>1</requestId><instancesSet/></TerminateInstancesResponse>");
    }

    private FakeAws.Reply console(Map<String, String> form) {
        String id = form.get("InstanceId");
        Instance instance = instances.get(id);
        String text = "cloud-init: booted " + id + "\n" + (instance == null ? "" : instance.console);
        String output = Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        return FakeAws.Reply.xml("<GetConsoleOutputResponse" + NS + "><requestId>1</requestId><instanceId>" + id
                + "</instanceId><timestamp>2026-01-01T00:00:00Z</timestamp><output>" + output + "</output></GetConsoleOutputResponse>");
    }

    private FakeAws.Reply createTags(Map<String, String> form) {
        Instance instance = instances.get(form.get("ResourceId.1"));
        instance.tags.put(form.get("Tag.1.Key"), form.get("Tag.1.Value"));
        return FakeAws.Reply.xml("<CreateTagsResponse" + NS + "><requestId>1</requestId><return>true</return></CreateTagsResponse>");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
