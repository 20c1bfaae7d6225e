import os

DEBUG = False
AWS_REGION = "eu-west-1"
AWS_ACCESS_KEY_ID = "@@FAKE_AWS_KEY@@"
DATABASE_URL = os.environ["DATABASE_URL"]
