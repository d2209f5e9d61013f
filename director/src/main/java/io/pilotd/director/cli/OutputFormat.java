package io.pilotd.director.cli;

/** How a listing is printed: aligned for people, CSV or JSON for scripts. */
public enum OutputFormat {
    table, csv, json
}
