"""Exit 0 when the test PostgreSQL server answers, 3 when it does not (make test skips that run)."""

import sys

from tests.databases import postgres_admin_url, postgres_answers

if __name__ == "__main__":
    if postgres_answers():
        print(f"PostgreSQL answers at {postgres_admin_url()}: running the suite again on it.")
        sys.exit(0)
    print("PostgreSQL does not answer (set MAILLAGE_TEST_POSTGRES_URL to point at one).")
    sys.exit(3)
