package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.Cli;
import io.pilotd.director.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell completion picocli generates for pilotd: bash takes it, and it knows the commands and their options. */
class CompletionTest {
    @TempDir
    Path dir;

    @Test
    void bashCompletesPilotdsCommandsAndOptions() throws Exception {
        Cli completion = Cli.run("generate-completion");
        assertThat(completion.exitCode()).as(completion.err()).isZero();
        Path script = Files.writeString(dir.resolve("pilotd-completion.bash"), completion.out());

        // What bash offers after "pilotd ren", "pilotd render --q" and "pilotd report eff".
        ExternalTool.Result offered = ExternalTool.run("bash", "-c", "source " + script + "; complete -p pilotd;"
                + " COMP_WORDS=(pilotd ren); COMP_CWORD=1; COMP_LINE='pilotd ren'; COMP_POINT=10;"
                + " _complete_pilotd 2>/dev/null; echo \"words: ${COMPREPLY[*]}\";"
                + " COMP_WORDS=(pilotd render --q); COMP_CWORD=2; COMP_LINE='pilotd render --q'; COMP_POINT=17;"
                + " _complete_pilotd 2>/dev/null; echo \"options: ${COMPREPLY[*]}\";"
                + " COMP_WORDS=(pilotd report eff); COMP_CWORD=2; COMP_LINE='pilotd report eff'; COMP_POINT=17;"
                + " _complete_pilotd 2>/dev/null; echo \"reports: ${COMPREPLY[*]}\"");

        assertThat(offered.exitCode()).as(offered.output()).isZero();
        assertThat(offered.output()).contains("-F _complete_pilotd").contains("pilotd\n")
                .contains("words: render\n").contains("options: --queue").contains("reports: efficiency\n");
    }
}
