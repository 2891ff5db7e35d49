DROP TABLE framework_suspensions;
