"""Statistics of the one-stop service (issue 12): the counting rules (selectors), the daily roll-up
(rollup, tasks), the leaders' page, exports and monthly report (views, exports, charts, report) and
the public figures and open data (public, api). docs/domain.md explains each figure."""
