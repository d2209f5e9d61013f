"""The extension's tests run against a stand-in of DIRAC (tests/standin), with the extension's
own source first on the path."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "standin"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "src"))
