"""The public site (公示): server-rendered pages in Chinese under /public/, and the public JSON
search over published results under /api/v1/public.

No sign-in, no JavaScript, nothing from another origin. Pages and the JSON API read through
the same query functions (the plan and task bulletins in backend/plans/bulletin.py and
backend/draws/bulletin.py; published results in backend/publicsite/queries.py), so a page
can never show a field the JSON bulletin withholds. docs/public-site.md describes it.
"""
