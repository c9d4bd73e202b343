"""What every page shares: security headers and the health check, error pages, the home and deck pages."""
