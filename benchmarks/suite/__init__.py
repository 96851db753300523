"""The benchmark suite: tasks, one ask/tell interface over every method, the runner and the report."""
