"""The interactive shell under a real pseudo-terminal (pexpect).

Run by Scripts/test after `swift build`; each test starts `iq` with HOME
set to an empty folder, types as a user would, and reads the screen.

No test sleeps: each waits for what appears on the screen (the echo of
what was typed, a completion, a prompt), with a timeout long enough for a
debug build on a machine whose cores are both busy. Keys typed ahead are
read by the shell in order, so a test never needs to pause between them.
"""
import os
import re
import shutil
import stat
import sys
import tempfile
import unittest

import pexpect

IQ = os.environ.get("IQ_BINARY", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "iq"))
PROMPT = "iq> "
# Generous: a wait ends as soon as the text appears; this is only how long
# a hung shell is given before the test fails.
TIMEOUT = int(os.environ.get("IQ_SHELL_TIMEOUT", "120"))
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def clean(text):
    return ANSI.sub("", text).replace("\r", "")


class Shell:
    def __init__(self, home, env=None):
        e = dict(os.environ, HOME=home, TERM="xterm", NO_COLOR="1")
        e.pop("IQ_HISTORY", None)
        e.update(env or {})
        self.p = pexpect.spawn(IQ, env=e, encoding="utf-8", dimensions=(40, 120), timeout=TIMEOUT)
        self.p.expect_exact(PROMPT)

    def wait_for(self, text):
        """Reads the screen until `text` shows, colours and cursor moves taken out."""
        seen = ""
        while text not in clean(seen):
            try:
                seen += self.p.read_nonblocking(size=4096, timeout=TIMEOUT)
            except pexpect.TIMEOUT:
                raise AssertionError("%r never showed; the screen had:\n%s" % (text, clean(seen)))
        return clean(seen)

    def run(self, line, expect=PROMPT):
        self.p.send(line + "\r")
        self.p.expect_exact(expect)
        return clean(self.p.before)

    def close(self):
        self.p.sendcontrol("d")
        self.p.expect(pexpect.EOF)
        self.p.close()
        return self.p.exitstatus


class ShellTests(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="iq-home-")

    def test_query_prints_a_table(self):
        sh = Shell(self.home)
        out = sh.run('from england | where fy == "2015-16" | summarize days = sum(total)')
        self.assertIn("1,809,587", out)
        self.assertEqual(sh.close(), 0)

    def test_tab_completes_a_table(self):
        sh = Shell(self.home)
        # `dela` fits delayed_days and delay_reasons: Tab completes what they
        # share, a second Tab lists both, and one more letter settles it.
        sh.p.send("from dela\t")
        sh.wait_for("from delay")
        sh.p.send("\t")
        sh.p.expect_exact("delay_reasons")
        sh.p.send("e\t | count\r")
        sh.p.expect_exact("14,400")
        sh.p.expect_exact(PROMPT)
        sh.close()

    def test_tab_completes_a_column_in_scope(self):
        sh = Shell(self.home)
        sh.p.send("from areas | where reg\t")
        sh.wait_for("where region")
        out = sh.run(' == "London" | count')
        self.assertIn("33", out)
        sh.close()

    def test_tab_lists_several_candidates(self):
        sh = Shell(self.home)
        sh.p.send("from areas | derive x = 1 | where \t")
        sh.p.expect_exact("region")
        screen = clean(sh.p.before + sh.p.after)
        sh.p.expect_exact("where ")
        self.assertIn("kind", screen)
        sh.p.sendcontrol("c")
        sh.p.expect_exact(PROMPT)
        sh.close()

    def test_tab_completes_a_sheet_name(self):
        fixture = os.path.join(os.path.dirname(__file__), "..", "IntegrationQueryTests", "Golden",
                               "fixtures", "workbooks", "openpyxl_publication.xlsx")
        # A short path: where the clone sits must not decide whether the line
        # wraps (a wrapped line is redrawn, and the echo is no longer in one piece).
        book = os.path.join(self.home, "pub.xlsx")
        shutil.copyfile(fixture, book)
        sh = Shell(self.home)
        # The workbook's one sheet is FFT: Tab after `sheet = "` writes it.
        sh.p.send('from "%s" with sheet = "\t' % book)
        sh.wait_for('sheet = "FFT')
        out = sh.run('" | count')
        self.assertIn("3", out)
        sh.close()

    def test_multi_line_statement_comes_back_whole(self):
        sh = Shell(self.home)
        sh.p.send("from areas |\r")
        sh.p.expect_exact("...> ")
        out = sh.run('where region == "North East" | count')
        self.assertIn("12", out)
        sh.close()
        history = os.path.join(self.home, ".iq_history")
        self.assertEqual(stat.S_IMODE(os.stat(history).st_mode), 0o600)
        sh = Shell(self.home)
        sh.p.send("\x1b[A")  # Up
        sh.p.expect_exact('from areas | where region == "North East" | count')
        out = sh.run("")
        self.assertIn("12", out)
        sh.close()

    def test_history_is_saved_as_entered_and_without_duplicates(self):
        sh = Shell(self.home)
        sh.run("from areas | count")
        sh.run("from areas | count")
        with open(os.path.join(self.home, ".iq_history")) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "_HiStOrY_V2_")
        self.assertEqual(len(lines), 2, lines)
        out = sh.run(".history")
        self.assertIn("1  from areas | count", out)
        sh.p.kill(9)  # a crash loses nothing already entered

    def test_ctrl_c_cancels_a_long_query(self):
        sh = Shell(self.home)
        # 15.2 million rows joined, then sorted: minutes of work, stopped
        # inside the step. The echo of Enter ("take 1" and a line break)
        # shows the shell has the statement and is running it.
        sh.p.send("from delay_reasons | join many delayed_days on area | sort reason, total | take 1\r")
        sh.p.expect_exact("take 1\r\n")
        sh.p.sendcontrol("c")
        sh.p.expect_exact("query cancelled")
        sh.p.expect_exact(PROMPT)
        out = sh.run("from areas | count")
        self.assertIn("152", out)
        sh.close()

    def test_ctrl_c_while_typing_clears_the_line(self):
        sh = Shell(self.home)
        sh.p.send("from nowhere")
        sh.p.sendcontrol("c")
        sh.p.expect_exact(PROMPT)
        out = sh.run("from areas | count")
        self.assertIn("152", out)
        self.assertNotIn("nowhere", out)
        sh.close()

    def test_errors_leave_the_shell_running(self):
        sh = Shell(self.home)
        out = sh.run("from areas | wher x")
        self.assertIn("unknown verb 'wher'", out)
        self.assertIn("did you mean 'where'", out)
        out = sh.run("from areas | count")
        self.assertIn("152", out)
        sh.close()

    def test_corrupt_history_warns_and_starts(self):
        path = os.path.join(self.home, "hist")
        with open(path, "w") as f:
            f.write("not a history file\n")
        sh = Shell(self.home, env={"IQ_HISTORY": path})
        self.assertIn("not an iq history file", clean(sh.p.before))
        out = sh.run("from areas | count")
        self.assertIn("152", out)
        sh.close()
        with open(path) as f:
            self.assertEqual(f.read(), "not a history file\n")

    def test_wide_and_long_results_fit_the_terminal(self):
        sh = Shell(self.home)
        out = sh.run("from delay_reasons | join areas on area")
        self.assertIn("158,400 rows", out)
        self.assertIn(".mode csv or save to see all", out)
        sh.close()

    def test_ctrl_r_searches_history(self):
        sh = Shell(self.home)
        sh.run('from areas | where region == "London" | count')
        sh.run("from england | count")
        sh.p.sendcontrol("r")
        sh.p.send("London")
        # The search shows the line it found; Enter runs it.
        sh.p.expect_exact('from areas | where region == "London" | count')
        sh.p.send("\r")
        sh.p.expect_exact("33")
        sh.p.expect_exact(PROMPT)
        sh.close()

    def test_editrc_gives_vi_keys(self):
        with open(os.path.join(self.home, ".editrc"), "w") as f:
            f.write("bind -v\n")
        sh = Shell(self.home)
        # In vi mode, Escape then 0 goes to the start of the line and `i`
        # inserts there; typed in one go, as a fast typist would.
        sh.p.send("areas | count\x1b0ifrom \r")
        sh.p.expect_exact("152")
        sh.p.expect_exact(PROMPT)
        sh.close()

    def test_pasted_pipeline_runs_as_written(self):
        sh = Shell(self.home)
        # The README's first example, pasted: lines starting with '|'
        # continue the statement before them.
        example = (
            'from delayed_days\r| where fy in ("2014-15", "2015-16")\r| join areas on area\r'
            "| summarize days = sum(total) by region, fy\r| derive change = days - lag(days) by region\r"
            '| where fy == "2015-16"\r| top 3 by change\r'
        )
        sh.p.send(example)
        out = sh.wait_for("43,736\n" + PROMPT)
        self.assertNotIn("error", out)
        self.assertIn("South East  2015-16  352,332  80,036", out)
        sh.run("")
        self.assertEqual(sh.run("from areas | count").count("152"), 1)
        sh.close()
        with open(os.path.join(self.home, ".iq_history")) as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), 3, lines)  # the header, the pasted pipeline, the count

    def test_bracketed_paste_runs_as_written(self):
        sh = Shell(self.home)
        sh.p.send('\x1b[200~from areas\r| where region == "London"\r\r# a comment\r| count\r\x1b[201~')
        sh.p.expect_exact("33")
        sh.p.expect_exact(PROMPT)
        self.assertNotIn("error", clean(sh.p.before))
        # A paste that ends inside a line leaves it to be edited.
        sh.p.send("\x1b[200~from england | cou\x1b[201~")
        sh.wait_for("from england | cou")
        out = sh.run("nt")
        self.assertIn("96", out)
        sh.close()

    def test_a_line_starting_with_a_step_continues_the_last_query(self):
        sh = Shell(self.home)
        sh.run('from delayed_days | where fy == "2016-17"')
        out = sh.run("| summarize days = sum(total)")
        self.assertIn("2,244,682", out)
        out = sh.run("| summarize days = sum(totl)")
        self.assertIn("unknown column 'totl'", out)
        # An error leaves the last query that ran as it was; Tab completes
        # its columns (after the summarize, only days).
        sh.p.send("| where day\t")
        sh.wait_for("| where days")
        out = sh.run(" > 2000000")
        self.assertIn("2,244,682", out)
        self.assertNotIn("error", out)
        sh.close()

    def test_bar_chart_fits_the_terminal(self):
        sh = Shell(self.home)
        out = sh.run(
            'from delayed_days | where fy == "2015-16" | join areas on area '
            "| summarize days = sum(total) by region | chart bar region, days"
        )
        lines = [l for l in out.split("\n") if "█" in l]
        self.assertEqual(len(lines), 9, out)
        # The terminal is 120 columns: the longest bar line fills it, none wraps.
        self.assertEqual(max(len(l) for l in lines), 120, out)
        sh.close()

    def test_warnings_appear_in_the_shell(self):
        sh = Shell(self.home)
        out = sh.run('from areas | where region == "london" | count')
        self.assertIn('warning: no rows have region == "london", but "London" is there', out)
        out = sh.run("from areas | join delayed_days on area | take 3")
        self.assertIn("warning: this join repeats rows", out)
        sh.close()

    def test_tutorial_resumes_in_a_new_shell(self):
        sh = Shell(self.home)
        out = sh.run(".tutorial")
        self.assertIn("Lesson 1 of 12", out)
        sh.p.send("from areas | count\r")
        sh.p.expect_exact("lesson 1 done")
        sh.p.expect_exact(PROMPT)
        sh.close()
        sh = Shell(self.home)
        self.assertIn("The tutorial is on: lesson 2", clean(sh.p.before))
        sh.p.send('from areas | where region == "London" | count\r')
        sh.p.expect_exact("lesson 2 done")
        sh.p.expect_exact(PROMPT)
        sh.close()

    def test_dot_quit(self):
        sh = Shell(self.home)
        sh.p.send(".quit\r")
        sh.p.expect(pexpect.EOF)
        sh.p.close()
        self.assertEqual(sh.p.exitstatus, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
