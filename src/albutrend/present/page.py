"""What every page albutrend saves starts with (the report, the chart, the cohort).

The pages reference nothing outside themselves, and the Content-Security-Policy
forbids the browser to fetch anything even if a future change slipped a reference
in: written once here, for every page. No braces: the pages are format strings.
"""

SAFE_HEAD = """\
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
"""
