package io.pilotd.bench;

import io.pilotd.director.cycle.BatchIds;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.aws.BatchDriverFactory;
import io.pilotd.driver.aws.Ec2DriverFactory;
import io.pilotd.driver.openstack.OpenStackDriverFactory;
import io.pilotd.fakes.FakeAws;
import io.pilotd.fakes.FakeOpenStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The cloud calls the real drivers make (the AWS SDK, openstack4j) against the HTTP fakes on
 * 127.0.0.1, every call counted by the fakes (tokens, lookups and tags too): 1,000 pilots started
 * as ten cycles' batches of 100, then all of them followed with one status call of the director's.
 */
final class CloudCallFigures {
    private static final int BATCHES = 10;
    private static final int BATCH = 100;
    private static final String DIRECTOR = "bench-calls";

    List<Figure> figures() throws Exception {
        System.setProperty("aws.accessKeyId", "AKIAPILOTDBENCH00000");
        System.setProperty("aws.secretAccessKey", "pilotd-bench-secret");
        System.setProperty("aws.disableEc2Metadata", "true");
        List<Figure> figures = new ArrayList<>();
        Path home = Files.createTempDirectory("pilotd-bench-calls");
        try (FakeAws aws = new FakeAws()) {
            Map<String, Object> batch = aws(aws);
            batch.put("jobQueue", "pilots");
            batch.put("jobDefinition", "dirac-pilot:3");
            PilotDriver batchDriver = new BatchDriverFactory().create(new DriverParameters(batch), context(home));
            figures.addAll(measure("aws-batch", batchDriver, () -> aws.count("Batch.submitjob"), aws::count,
                    0.01 * BATCH));
            Map<String, Object> ec2 = aws(aws);
            ec2.put("image", "ami-0123456789abcdef0");
            ec2.put("instanceType", "c6i.xlarge");
            ec2.put("subnet", "subnet-0abc1234");
            ec2.put("securityGroups", List.of("sg-0abc1234"));
            PilotDriver ec2Driver = new Ec2DriverFactory().create(new DriverParameters(ec2), context(home));
            figures.addAll(measure("ec2", ec2Driver, () -> aws.count("EC2.RunInstances"), aws::count, 1));
        }
        try (FakeOpenStack openstack = new FakeOpenStack()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("authUrl", openstack.authUrl());
            p.put("region", FakeOpenStack.REGION);
            p.put("username", FakeOpenStack.USER);
            p.put("project", FakeOpenStack.PROJECT);
            p.put("image", "alma9-pilot");
            p.put("flavor", "m1.large");
            p.put("networks", List.of("pilots-net"));
            Path password = Files.writeString(home.resolve("os-password"), FakeOpenStack.PASSWORD);
            Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
            p.put("passwordFile", password.toString());
            // calls are counted here, not timed: the fake cloud meters nothing
            p.put("callsPerSecond", 100_000);
            PilotDriver driver = new OpenStackDriverFactory().create(new DriverParameters(p), context(home));
            figures.addAll(measure("openstack", driver, () -> openstack.count("Nova.createServer"), openstack::count, 1));
        }
        return figures;
    }

    /**
     * @param creates      the calls that start pilots, so far
     * @param calls        every call the cloud has had so far, whatever its operation (tokens, lookups, listings)
     * @param submitTarget the most creates a batch of 100 may take
     */
    private static List<Figure> measure(String name, PilotDriver driver, IntSupplier creates, IntSupplier calls,
                                        double submitTarget) throws Exception {
        List<String> jobRefs = new ArrayList<>();
        int createsBefore = creates.getAsInt();
        int submitsBefore = calls.getAsInt();
        for (int b = 0; b < BATCHES; b++) {
            String batchId = BatchIds.next();
            jobRefs.addAll(driver.submit(new PilotRequest(batchId, BatchStamps.stamps(batchId, BATCH),
                    new PilotPayload(Map.of(), "", "#!/bin/sh\nexec dirac-pilot.py\n"))).values());
        }
        double perBatch = (double) (creates.getAsInt() - createsBefore) / BATCHES;
        double allPerBatch = (double) (calls.getAsInt() - submitsBefore) / BATCHES;
        int statusesBefore = calls.getAsInt();
        driver.status(jobRefs);
        double per100 = (calls.getAsInt() - statusesBefore) / (jobRefs.size() / 100.0);
        driver.close();
        return List.of(
                new Figure(name + ": creates to start a batch of " + BATCH,
                        String.format("%.2f (%.4f a pilot)", perBatch, perBatch / BATCH),
                        String.format("all calls: %.1f a batch; per pilot: %d", allPerBatch, BATCH),
                        String.format("≤ %s a batch", submitTarget == 1 ? "1" : String.format("%.0f", submitTarget)),
                        perBatch <= submitTarget),
                new Figure(name + ": status calls per 100 live pilots", String.format("%.2f", per100),
                        "per pilot: 100", "≤ 1", per100 <= 1));
    }

    private static Map<String, Object> aws(FakeAws fake) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("region", "eu-central-1");
        p.put("endpoint", fake.endpoint().toString());
        p.put("apiTimeout", "20s");
        return p;
    }

    private static DriverContext context(Path home) {
        return new DriverContext(DIRECTOR, "bench-q", home);
    }
}
