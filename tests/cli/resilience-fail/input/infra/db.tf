resource "aws_db_instance" "orders" {
  identifier              = "orders"
  engine                  = "postgres"
  instance_class          = "db.t3.medium"
  allocated_storage       = 50
  backup_retention_period = 0
  multi_az                = false
}
