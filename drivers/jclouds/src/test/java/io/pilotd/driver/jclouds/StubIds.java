package io.pilotd.driver.jclouds;

/** Ids of an image and a hardware profile that jclouds' stub provider has. */
final class StubIds {
    static final String IMAGE = "1";
    static final String HARDWARE = "small";

    private StubIds() {
    }
}
