"""The benchmark's queries, each in iq, DuckDB SQL, SQLite SQL and Miller.

{csv} is the episodes file, {areas} the areas file and {last} the row
count less three. Every query's answer is compared across the tools after
rounding numbers to two places; `ordered` says whether row order is part of
the answer. A query with `builtin` reads iq's built-in tables, which the
other tools read from a database `iq --export-dataset` made; a tool without
a form of a query does not run it.
"""

QUERIES = [
    dict(
        name="filter_count",
        what="count with a filter",
        ordered=True,
        iq='from "{csv}" | where method == "emergency" and los_days > 5 | count',
        duckdb="SELECT count(*) AS n FROM read_csv('{csv}') WHERE method = 'emergency' AND los_days > 5",
        sqlite="SELECT count(*) AS n FROM e WHERE method = 'emergency' AND CAST(los_days AS INTEGER) > 5",
        mlr="filter '$method == \"emergency\" && $los_days > 5' then count",
    ),
    dict(
        name="sum_by_area",
        what="sum and count of cost by area",
        ordered=True,
        iq='from "{csv}" | summarize total = round(sum(cost), 2), n = count() by area',
        duckdb="SELECT area, round(sum(cost), 2) AS total, count(*) AS n FROM read_csv('{csv}') GROUP BY area ORDER BY area",
        sqlite="SELECT area, round(sum(CAST(cost AS REAL)), 2) AS total, count(*) AS n FROM e GROUP BY area ORDER BY area",
        mlr="stats1 -a sum,count -f cost -g area then sort -f area",
    ),
    dict(
        name="avg_stay",
        what="average stay by fy and age band",
        ordered=True,
        iq='from "{csv}" | summarize avg_los = round(avg(los_days), 4) by fy, age_band',
        duckdb="SELECT fy, age_band, round(avg(los_days), 4) AS avg_los FROM read_csv('{csv}') GROUP BY fy, age_band ORDER BY fy, age_band",
        sqlite="SELECT fy, age_band, round(avg(CAST(los_days AS INTEGER)), 4) AS avg_los FROM e GROUP BY fy, age_band ORDER BY fy, age_band",
        mlr="stats1 -a mean -f los_days -g fy,age_band then sort -f fy,age_band",
    ),
    dict(
        name="join_region",
        what="join with areas and total by region",
        ordered=True,
        iq='from "{csv}" | join areas on area | summarize total = round(sum(cost), 2) by region',
        duckdb="SELECT a.region, round(sum(e.cost), 2) AS total FROM read_csv('{csv}') e JOIN read_csv('{areas}') a ON e.area = a.gss_code GROUP BY a.region ORDER BY a.region",
        sqlite="SELECT a.region, round(sum(CAST(e.cost AS REAL)), 2) AS total FROM e JOIN a ON e.area = a.gss_code GROUP BY a.region ORDER BY a.region",
        mlr="join -j area -l gss_code -r area -f {areas} then stats1 -a sum -f cost -g region then sort -f region",
    ),
    dict(
        name="top_100",
        what="the 100 costliest episodes",
        ordered=True,
        iq='from "{csv}" | top 100 by cost | select episode_id, cost',
        duckdb="SELECT episode_id, cost FROM read_csv('{csv}') ORDER BY cost DESC, episode_id LIMIT 100",
        sqlite="SELECT episode_id, cost FROM e ORDER BY CAST(cost AS REAL) DESC, CAST(episode_id AS INTEGER) LIMIT 100",
        mlr="sort -nr cost -n episode_id then head -n 100 then cut -o -f episode_id,cost",
    ),
    dict(
        name="monthly_change",
        what="monthly emergency admissions per area, change on the month before (a window)",
        ordered=True,
        iq='from "{csv}" | where method == "emergency" | summarize n = count() by area, m = year(admitted) * 100 + month(admitted) | derive change = n - lag(n) by area',
        duckdb="SELECT area, m, n, n - lag(n) OVER (PARTITION BY area ORDER BY m) AS change FROM (SELECT area, year(admitted) * 100 + month(admitted) AS m, count(*) AS n FROM read_csv('{csv}') WHERE method = 'emergency' GROUP BY area, m) ORDER BY area, m",
        sqlite="SELECT area, m, n, n - lag(n) OVER (PARTITION BY area ORDER BY m) AS change FROM (SELECT area, CAST(strftime('%Y%m', admitted) AS INTEGER) AS m, count(*) AS n FROM e WHERE method = 'emergency' GROUP BY area, m) ORDER BY area, m",
        mlr="filter '$method == \"emergency\"' then put '$m = int(strftime(strptime($admitted, \"%Y-%m-%d\"), \"%Y%m\"))' then count -g area,m then sort -f area -n m then step -a delta -f count -g area",
    ),
    dict(
        name="full_sort",
        what="every episode sorted by area and cost, numbered (a window over a full sort); the last three printed",
        ordered=True,
        iq='from "{csv}" | sort area, cost | derive r = row_number() | where r > {last}',
        duckdb="SELECT * FROM (SELECT *, row_number() OVER (ORDER BY area, cost, episode_id) AS r FROM read_csv('{csv}')) WHERE r > {last} ORDER BY r",
        sqlite="SELECT * FROM (SELECT *, row_number() OVER (ORDER BY area, CAST(cost AS REAL), CAST(episode_id AS INTEGER)) AS r FROM e) WHERE r > {last} ORDER BY r",
    ),
    dict(
        name="join_sort_take",
        what="delay_reasons joined with delayed_days by area (15.2M rows), the first by reason and total",
        ordered=True,
        builtin=True,
        iq="from delay_reasons | join many delayed_days on area | sort reason, total | take 1",
        duckdb="SELECT r.area, r.month, r.fy, r.reason, r.days, d.month, d.fy, d.nhs, d.social_care, d.both, d.total FROM delay_reasons r JOIN delayed_days d ON r.area = d.area ORDER BY r.reason, d.total, r._row, d._row LIMIT 1",
        sqlite="SELECT r.area, r.month, r.fy, r.reason, r.days, d.month, d.fy, d.nhs, d.social_care, d.both, d.total FROM delay_reasons r JOIN delayed_days d ON r.area = d.area ORDER BY r.reason, d.total, r._row, d._row LIMIT 1",
    ),
]
