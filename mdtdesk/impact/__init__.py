"""Impact measurement (issue 18): the statistics of an honest before/after comparison."""
