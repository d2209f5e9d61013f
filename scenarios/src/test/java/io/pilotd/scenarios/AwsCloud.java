package io.pilotd.scenarios;

import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.aws.BatchDriverFactory;
import io.pilotd.driver.aws.Ec2DriverFactory;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeAws;
import io.pilotd.fakes.FakeBatch;
import io.pilotd.fakes.FakeEc2;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One AWS driver against the fake AWS, seen from outside: the pilots that really exist there
 * (whatever the listings say), each with its stamp, and the cloud's own progress (pilots start,
 * end) that a scenario drives.
 */
abstract class AwsCloud implements AutoCloseable {
    /** A pilot that really exists at the cloud. */
    record Resource(String stamp, String jobRef, boolean alive, boolean running, String directorId) {
    }

    final FakeAws aws;

    AwsCloud(CloudBehaviour behaviour) throws IOException {
        this.aws = new FakeAws(behaviour);
    }

    static AwsCloud of(String driver, CloudBehaviour behaviour) throws IOException {
        return switch (driver) {
            case "ec2" -> new Ec2(behaviour);
            case "aws-batch" -> new Batch(behaviour);
            default -> throw new IllegalArgumentException(driver);
        };
    }

    /** Credentials for the SDK's default chain (its system-property provider comes first). */
    static void credentials() {
        System.setProperty("aws.accessKeyId", "AKIAPILOTDTEST000000");
        System.setProperty("aws.secretAccessKey", "pilotd-test-secret");
        System.setProperty("aws.disableEc2Metadata", "true");
    }

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

    @Override
    public void close() {
        aws.close();
    }

    static final class Ec2 extends AwsCloud {
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
        List<Resource> resources() {
            List<Resource> resources = new ArrayList<>();
            for (FakeEc2.Instance i : aws.ec2.instances()) {
                String batch = i.tags.get("pilotd:batch");
                resources.add(new Resource(batch == null ? "by-hand-" + i.id : BatchStamps.stamp(batch, i.launchIndex),
                        "ec2://eu-central-1/" + i.id, i.isAlive(), "running".equals(i.state()), i.tags.get("pilotd:director")));
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

    static final class Batch extends AwsCloud {
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
                        "RUNNING".equals(job.status()), job.submit.path("tags").path("pilotd:director").asText()));
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
}
