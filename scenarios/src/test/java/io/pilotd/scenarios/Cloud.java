package io.pilotd.scenarios;

import io.fabric8.kubernetes.api.model.Pod;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.aws.BatchDriverFactory;
import io.pilotd.driver.aws.Ec2DriverFactory;
import io.pilotd.driver.jclouds.JcloudsDriverFactory;
import io.pilotd.driver.kubernetes.FakeKubernetes;
import io.pilotd.driver.kubernetes.KubernetesDriverFactory;
import io.pilotd.driver.openstack.OpenStackDriverFactory;
import io.pilotd.driver.serverless.ServerlessDriverFactory;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeAws;
import io.pilotd.fakes.FakeBatch;
import io.pilotd.fakes.FakeEc2;
import io.pilotd.fakes.FakeOpenStack;
import io.pilotd.fakes.FakeServerless;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * One driver against its fake cloud, seen from outside: the pilots that really exist there
 * (whatever the listings say), each with its stamp, and the cloud's own progress (pilots start,
 * end) that a scenario drives.
 */
abstract class Cloud implements AutoCloseable {
    /**
     * A pilot that really exists at the cloud.
     *
     * @param alive its pilot runs or waits
     * @param held  the cloud holds it still, whatever its pilot does (a VM powered off, not deleted)
     */
    record Resource(String stamp, String jobRef, boolean alive, boolean running, String directorId, boolean held) {
    }

    static Cloud of(String driver, CloudBehaviour behaviour) throws IOException {
        return switch (driver) {
            case "ec2" -> new Ec2(behaviour);
            case "aws-batch" -> new Batch(behaviour);
            case "openstack" -> new OpenStack(behaviour);
            case "jclouds" -> new Jclouds(behaviour);
            case "serverless" -> new Serverless(behaviour);
            case "kubernetes" -> new Kubernetes(behaviour);
            default -> throw new IllegalArgumentException(driver);
        };
    }

    /** Credentials for the SDK's default chain (its system-property provider comes first). */
    static void credentials() {
        System.setProperty("aws.accessKeyId", "AKIAPILOTDTEST000000");
        System.setProperty("aws.secretAccessKey", "pilotd-test-secret");
        System.setProperty("aws.disableEc2Metadata", "true");
    }

    abstract PilotDriver driver(String directorId, String queue) throws Exception;

    /** The user-data (or the submission, for a container) of the first pilot the cloud was asked for. */
    abstract String firstPayload();

    /** Every pilot the cloud has, listed or not. */
    abstract List<Resource> resources();

    /**
     * The cloud's own progress, as slow as a busy cloud's: a waiting pilot starts with a chance
     * of one in {@link #START}, a running one ends with one in {@link #END}, each cycle.
     */
    abstract void progress(Random random);

    static final int START = 6;
    static final int END = 8;

    List<Resource> alive() {
        return resources().stream().filter(Resource::alive).toList();
    }

    /** How many pilots the cloud ever made: those it holds, and those it deleted. */
    int made() {
        return resources().size();
    }

    /** The operation of the cloud's API that deletes one of its pilots, in the fake's names. */
    abstract String deleteOperation();

    /** The two AWS drivers, against one fake AWS. */
    abstract static class Aws extends Cloud {
        final FakeAws aws;

        Aws(CloudBehaviour behaviour) throws IOException {
            this.aws = new FakeAws(behaviour);
        }

        @Override
        PilotDriver driver(String directorId, String queue) throws Exception {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("region", "eu-central-1");
            p.put("endpoint", aws.endpoint().toString());
            p.put("maxAttempts", 3);
            p.put("apiTimeout", "20s");
            p.putAll(parameters());
            return factoryCreate(new DriverParameters(p), new DriverContext(directorId, queue, Path.of("unused")));
        }

        abstract Map<String, Object> parameters();

        abstract PilotDriver factoryCreate(DriverParameters p, DriverContext context) throws Exception;

        @Override
        public void close() {
            aws.close();
        }
    }

    static final class Ec2 extends Aws {
        Ec2(CloudBehaviour behaviour) throws IOException {
            super(behaviour);
        }

        @Override
        Map<String, Object> parameters() {
            return Map.of("image", "ami-0123456789abcdef0", "instanceType", "c6i.xlarge");
        }

        @Override
        PilotDriver factoryCreate(DriverParameters p, DriverContext context) throws Exception {
            return new Ec2DriverFactory().create(p, context);
        }

        @Override
        String firstPayload() {
            return aws.ec2.instances().get(0).run.get("UserData");
        }

        @Override
        String deleteOperation() {
            return "EC2.TerminateInstances";
        }

        @Override
        List<Resource> resources() {
            List<Resource> resources = new ArrayList<>();
            for (FakeEc2.Instance i : aws.ec2.instances()) {
                String batch = i.tags.get("pilotd:batch");
                resources.add(new Resource(batch == null ? "by-hand-" + i.id : BatchStamps.stamp(batch, i.launchIndex),
                        "ec2://eu-central-1/" + i.id, i.isAlive(), "running".equals(i.state()), i.tags.get("pilotd:director"),
                        i.isAlive()));
            }
            return resources;
        }

        @Override
        void progress(Random random) {
            for (FakeEc2.Instance i : aws.ec2.instances()) {
                if ("pending".equals(i.state()) && random.nextInt(START) == 0) {
                    aws.ec2.set(i.id, "running", null, null);
                } else if ("running".equals(i.state()) && random.nextInt(END) == 0) {
                    aws.ec2.pilotEnded(i.id, random.nextInt(4) == 0 ? 1 : 0);
                }
            }
        }
    }

    static final class Batch extends Aws {
        Batch(CloudBehaviour behaviour) throws IOException {
            super(behaviour);
        }

        @Override
        Map<String, Object> parameters() {
            return Map.of("jobQueue", "pilots", "jobDefinition", "dirac-pilot:1");
        }

        @Override
        PilotDriver factoryCreate(DriverParameters p, DriverContext context) throws Exception {
            return new BatchDriverFactory().create(p, context);
        }

        @Override
        String firstPayload() {
            return aws.calls("Batch.submitjob").get(0).body();
        }

        @Override
        String deleteOperation() {
            return "Batch.terminatejob";
        }

        @Override
        List<Resource> resources() {
            List<Resource> resources = new ArrayList<>();
            for (FakeBatch.Job job : aws.batch.jobs()) {
                if (!job.isPilot()) {
                    continue;
                }
                Map<String, String> env = new LinkedHashMap<>();
                job.submit.path("containerOverrides").path("environment")
                        .forEach(pair -> env.put(pair.path("name").asText(), pair.path("value").asText()));
                String stamp = job.index == null ? env.get(PilotPayload.STAMP_VARIABLE)
                        : BatchStamps.stamp(env.get("PILOTD_BATCH"), Integer.parseInt(env.get("PILOTD_STAMP_OFFSET")) + job.index);
                resources.add(new Resource(stamp, "awsbatch://eu-central-1/pilots/" + job.id, !job.isFinal(),
                        "RUNNING".equals(job.status()), job.submit.path("tags").path("pilotd:director").asText(), !job.isFinal()));
            }
            return resources;
        }

        @Override
        void progress(Random random) {
            for (FakeBatch.Job job : aws.batch.jobs()) {
                if (!job.isPilot()) {
                    continue;
                }
                if (!job.isFinal() && !"RUNNING".equals(job.status()) && random.nextInt(START) == 0) {
                    aws.batch.set(job.id, "RUNNING", 1000L, null, null);
                } else if ("RUNNING".equals(job.status()) && random.nextInt(END) == 0) {
                    aws.batch.set(job.id, "SUCCEEDED", 1000L, "Essential container in task exited", 0);
                }
            }
        }
    }

    /** The openstack driver against a fake Keystone and Nova. */
    static class OpenStack extends Cloud {
        final FakeOpenStack fake;
        final Path passwordFile;

        OpenStack(CloudBehaviour behaviour) throws IOException {
            this.fake = new FakeOpenStack(behaviour);
            passwordFile = Files.createTempFile("openstack-password", "");
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(passwordFile, FakeOpenStack.PASSWORD);
        }

        @Override
        PilotDriver driver(String directorId, String queue) throws Exception {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("authUrl", fake.authUrl());
            p.put("region", FakeOpenStack.REGION);
            p.put("username", FakeOpenStack.USER);
            p.put("project", FakeOpenStack.PROJECT);
            p.put("passwordFile", passwordFile.toString());
            p.put("image", "alma9-pilot");
            p.put("flavor", "m1.large");
            p.put("apiTimeout", "20s");
            // The listings lag on the scenario's clock, which stands still while a submission waits.
            p.put("listWait", "0s");
            // the fake cloud meters nothing
            p.put("callsPerSecond", 10_000);
            return new OpenStackDriverFactory().create(new DriverParameters(p), new DriverContext(directorId, queue,
                    Path.of("unused")));
        }

        @Override
        String firstPayload() {
            return fake.servers().get(0).request.path("user_data").asText();
        }

        @Override
        String deleteOperation() {
            return "Nova.deleteServer";
        }

        @Override
        List<Resource> resources() {
            List<Resource> resources = new ArrayList<>();
            for (FakeOpenStack.Server s : fake.servers()) {
                resources.add(new Resource(stamp(s), jobRef(s), !s.deleted() && !"SHUTOFF".equals(s.status()), "ACTIVE".equals(s.status()),
                        s.metadata.get("pilotd-director"), !s.deleted()));
            }
            return resources;
        }

        String stamp(FakeOpenStack.Server s) {
            String batch = s.metadata.get("pilotd-batch");
            return batch == null ? "by-hand-" + s.id : BatchStamps.stamp(batch, s.launchIndex);
        }

        String jobRef(FakeOpenStack.Server s) {
            return "openstack://127.0.0.1/" + FakeOpenStack.REGION + "/" + s.id;
        }

        @Override
        void progress(Random random) {
            for (FakeOpenStack.Server s : fake.servers()) {
                if ("BUILD".equals(s.status()) && random.nextInt(START) == 0) {
                    fake.set(s.id, "ACTIVE", null);
                } else if ("ACTIVE".equals(s.status()) && random.nextInt(END) == 0) {
                    fake.pilotEnded(s.id, random.nextInt(4) == 0 ? 1 : 0);
                }
            }
        }

        @Override
        public void close() throws IOException {
            fake.close();
            Files.deleteIfExists(passwordFile);
        }
    }

    /**
     * The jclouds driver on openstack-nova against the same fake Keystone and Nova. jclouds waits
     * for each new server to be ACTIVE before it answers a create, so the fake's servers are
     * ACTIVE at once, and the listings must not lag (the wait would outlast the scenario's clock).
     */
    static final class Jclouds extends OpenStack {
        Jclouds(CloudBehaviour behaviour) throws IOException {
            super(behaviour);
            fake.activeAtOnce = true;
        }

        @Override
        PilotDriver driver(String directorId, String queue) throws Exception {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("provider", "openstack-nova");
            p.put("endpoint", fake.authUrl());
            p.put("identity", FakeOpenStack.DOMAIN + ":" + FakeOpenStack.USER);
            p.put("project", FakeOpenStack.PROJECT);
            p.put("credentialFile", passwordFile.toString());
            p.put("image", FakeOpenStack.REGION + "/" + fake.images.get("alma9-pilot"));
            p.put("hardware", FakeOpenStack.REGION + "/" + fake.flavors.get("m1.large"));
            p.put("apiTimeout", "20s");
            p.put("callsPerSecond", 10_000);
            return new JcloudsDriverFactory().create(new DriverParameters(p), new DriverContext(directorId, queue,
                    Path.of("unused")));
        }

        @Override
        String stamp(FakeOpenStack.Server s) {
            String batch = s.metadata.get("pilotd-batch");
            return batch == null ? "by-hand-" + s.id : BatchStamps.stamp(batch, Integer.parseInt(s.metadata.get("pilotd-index")));
        }

        @Override
        String jobRef(FakeOpenStack.Server s) {
            return "jclouds://openstack-nova/" + FakeOpenStack.REGION + "/" + s.id;
        }
    }

    /** The kubernetes driver against a fake API server, whose pods the scenario moves on as a kubelet would. */
    static final class Kubernetes extends Cloud {
        final FakeKubernetes cluster;
        private final Path dir;

        Kubernetes(CloudBehaviour behaviour) throws IOException {
            cluster = new FakeKubernetes(behaviour);
            dir = Files.createTempDirectory("kubernetes-scenario");
        }

        @Override
        PilotDriver driver(String directorId, String queue) throws Exception {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("kubeconfig", cluster.kubeconfig(dir).toString());
            p.put("image", "registry.example.org/dirac-pilot:9");
            p.put("callsPerSecond", 10_000);
            return new KubernetesDriverFactory().create(new DriverParameters(p), new DriverContext(directorId, queue, dir));
        }

        private List<Pod> pods() {
            return cluster.harness().pods().inNamespace(FakeKubernetes.NAMESPACE).list().getItems();
        }

        @Override
        String firstPayload() {
            return cluster.harness().batch().v1().jobs().inNamespace(FakeKubernetes.NAMESPACE).list().getItems().get(0).toString();
        }

        @Override
        String deleteOperation() {
            return "DELETE pods";
        }

        /** A killed pilot's pod is deleted: gone from the cluster, not from the count. */
        @Override
        int made() {
            return cluster.podsMade();
        }

        @Override
        List<Resource> resources() {
            List<Resource> resources = new ArrayList<>();
            for (Pod pod : pods()) {
                Map<String, String> labels = pod.getMetadata().getLabels();
                String batch = labels.get("pilotd.io/batch");
                String index = labels.get("batch.kubernetes.io/job-completion-index");
                String phase = pod.getStatus().getPhase();
                boolean alive = "Pending".equals(phase) || "Running".equals(phase);
                resources.add(new Resource(BatchStamps.stamp(batch, Integer.parseInt(index)),
                        FakeKubernetes.NAMESPACE + "/" + batch + "/" + index, alive, "Running".equals(phase),
                        labels.get("pilotd.io/director"), alive));
            }
            return resources;
        }

        @Override
        void progress(Random random) {
            for (Pod pod : pods()) {
                String jobRef = FakeKubernetes.NAMESPACE + "/" + pod.getMetadata().getLabels().get("pilotd.io/batch") + "/"
                        + pod.getMetadata().getLabels().get("batch.kubernetes.io/job-completion-index");
                String phase = pod.getStatus().getPhase();
                if ("Pending".equals(phase) && random.nextInt(START) == 0) {
                    cluster.phase(jobRef, "Running", null, null);
                } else if ("Running".equals(phase) && random.nextInt(END) == 0) {
                    boolean failed = random.nextInt(4) == 0;
                    cluster.phase(jobRef, failed ? "Failed" : "Succeeded", failed ? 1 : 0, failed ? "Error" : "Completed");
                }
            }
        }

        @Override
        public void close() throws IOException {
            cluster.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The serverless driver against a fake endpoint (plain HTTP: it is on loopback). */
    static final class Serverless extends Cloud {
        private static final String KEY = "pilotd_scenario-key-5e4d3c2b1a";
        final FakeServerless endpoint;
        private final Path keyFile;

        Serverless(CloudBehaviour behaviour) throws IOException {
            endpoint = new FakeServerless(behaviour, null);
            endpoint.allow(KEY);
            keyFile = Files.createTempFile("serverless-key", "");
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(keyFile, KEY);
        }

        @Override
        PilotDriver driver(String directorId, String queue) throws Exception {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("endpoint", endpoint.url());
            p.put("queue", "batch-eu");
            p.put("apiKeyFile", keyFile.toString());
            p.put("timeout", "10s");
            // the fake endpoint meters nothing
            p.put("callsPerMinute", 1_000_000);
            return new ServerlessDriverFactory().create(new DriverParameters(p), new DriverContext(directorId, queue,
                    Path.of("unused")));
        }

        @Override
        String firstPayload() {
            return endpoint.jobs().values().iterator().next().wrapper();
        }

        @Override
        String deleteOperation() {
            return "Serverless.deletejob";
        }

        /** One key is one director's: every job of the endpoint is this director's. */
        @Override
        List<Resource> resources() {
            List<Resource> resources = new ArrayList<>();
            for (FakeServerless.Job job : endpoint.jobs().values()) {
                boolean alive = PilotStatus.valueOf(job.status()).isAlive();
                resources.add(new Resource(job.name(), endpoint.url().substring("http://".length()) + "/" + job.name(), alive, "Running".equals(job.status()), "scenario-director", alive));
            }
            return resources;
        }

        @Override
        void progress(Random random) {
            for (FakeServerless.Job job : endpoint.jobs().values()) {
                if (job.status().equals("Submitted") && random.nextInt(START) == 0) {
                    endpoint.set(job.name(), "Running");
                } else if (job.status().equals("Running") && random.nextInt(END) == 0) {
                    endpoint.set(job.name(), "Done");
                }
            }
        }

        @Override
        public void close() throws IOException {
            endpoint.close();
            Files.deleteIfExists(keyFile);
        }
    }
}
