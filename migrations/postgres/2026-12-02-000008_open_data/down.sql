DROP TABLE ocds_releases;
DROP FUNCTION ocds_releases_immutable();
