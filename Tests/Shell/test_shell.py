"""The interactive shell under a real pseudo-terminal (pexpect).

Run by Scripts/test after `swift build`; each test starts `iq` with HOME
set to an empty folder, types as a user would, and reads the screen.
"""
import os
import re
import stat
import sys
import tempfile
import time
import unittest

import pexpect

IQ = os.environ.get("IQ_BINARY", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "iq"))
PROMPT = "iq> "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def clean(text):
    return ANSI.sub("", text).replace("\r", "")


class Shell:
    def __init__(self, home, env=None):
        e = dict(os.environ, HOME=home, TERM="xterm", NO_COLOR="1")
        e.pop("IQ_HISTORY", None)
        e.update(env or {})
        self.p = pexpect.spawn(IQ, env=e, encoding="utf-8", dimensions=(40, 120), timeout=20)
        self.p.expect_exact(PROMPT)

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
        time.sleep(0.3)
        sh.p.send("\t")
        sh.p.expect_exact("delay_reasons")
        sh.p.send("e\t")
        time.sleep(0.3)
        sh.p.send(" | count\r")
        sh.p.expect_exact("14,400")
        sh.p.expect_exact(PROMPT)
        sh.close()

    def test_tab_completes_a_column_in_scope(self):
        sh = Shell(self.home)
        sh.p.send("from areas | where reg\t")
        time.sleep(0.3)
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
        sh.p.send("from delay_reasons | join delayed_days on area | count\r")
        time.sleep(1.5)
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
        time.sleep(0.3)
        sh.p.send("\r")  # accept the found line
        time.sleep(0.3)
        sh.p.send("\r")  # and run it
        sh.p.expect_exact("33")
        sh.p.expect_exact(PROMPT)
        sh.close()

    def test_editrc_gives_vi_keys(self):
        with open(os.path.join(self.home, ".editrc"), "w") as f:
            f.write("bind -v\n")
        sh = Shell(self.home)
        # In vi mode, Escape then 0 goes to the start of the line and `i` inserts there.
        sh.p.send("areas | count")
        sh.p.send("\x1b")
        time.sleep(0.2)
        sh.p.send("0ifrom ")
        time.sleep(0.2)
        sh.p.send("\r")
        sh.p.expect_exact("152")
        sh.p.expect_exact(PROMPT)
        sh.close()

    def test_tutorial_resumes_in_a_new_shell(self):
        sh = Shell(self.home)
        out = sh.run(".tutorial")
        self.assertIn("Lesson 1 of 11", out)
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
