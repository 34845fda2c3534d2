"""What the test modules share (no test module imports another): running qp-eval (``run``), the
hand-worked year and the towns' forms (``year``). The sheet helpers and fixtures are in conftest."""
