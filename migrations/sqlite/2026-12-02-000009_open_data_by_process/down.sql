DROP INDEX ocds_releases_tender;
