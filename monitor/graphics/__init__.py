"""Server-side SVG graphics: world choropleth maps and charts.

Framework-free on purpose (no Django imports), so the public site and, later, PDF
publishing render the same SVG from plain Python data.
"""
