CREATE OR REPLACE VIEW pgautomator.categories AS
SELECT c.id,
       c.name,
       c.description,
       (SELECT count(*) FROM pgautomator.job j WHERE j.category_id = c.id)::int AS jobs,
       c.created_at
  FROM pgautomator.category c;
COMMENT ON VIEW pgautomator.categories IS 'Job categories with the number of jobs in each. Read with pgautomator.list_categories().';
COMMENT ON COLUMN pgautomator.categories.jobs IS 'Number of jobs in the category.';
