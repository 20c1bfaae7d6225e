# The payments database and the Redis that holds idempotency keys. Both fail
# over on their own (Multi-AZ) and keep automated backups; the runbook's
# "Backups and restore" and "Datastore failover" sections use them.

resource "aws_db_instance" "payments" {
  identifier                = "payments"
  engine                    = "postgres"
  engine_version            = "16.3"
  instance_class            = "db.m6g.large"
  allocated_storage         = 100
  storage_encrypted         = true
  username                  = "payments"
  password                  = var.db_password
  multi_az                  = true
  backup_retention_period   = 14
  backup_window             = "02:00-03:00"
  deletion_protection       = true
  final_snapshot_identifier = "payments-final"
  tags                      = local.tags
}

resource "aws_elasticache_replication_group" "idempotency" {
  replication_group_id       = "payments-idempotency"
  description                = "payments-api idempotency keys"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = "cache.r7g.large"
  num_cache_clusters         = 3
  automatic_failover_enabled = true
  multi_az_enabled           = true
  snapshot_retention_limit   = 7
  snapshot_window            = "03:00-04:00"
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  tags                       = local.tags
}

resource "aws_cloudwatch_metric_alarm" "db_replica_lag" {
  alarm_name          = "payments-db-replica-lag"
  namespace           = "AWS/RDS"
  metric_name         = "ReplicaLag"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.payments.identifier }
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  period              = 60
  statistic           = "Maximum"
  threshold           = 30
  alarm_description   = "The standby lags more than 30 s: a failover now loses writes. Runbook: docs/RUNBOOK.md#datastore-failover"
}

resource "aws_cloudwatch_metric_alarm" "redis_replication_lag" {
  alarm_name          = "payments-redis-replication-lag"
  namespace           = "AWS/ElastiCache"
  metric_name         = "ReplicationLag"
  dimensions          = { ReplicationGroupId = aws_elasticache_replication_group.idempotency.id }
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  period              = 60
  statistic           = "Maximum"
  threshold           = 5
  alarm_description   = "A Redis replica lags more than 5 s behind the primary. Runbook: docs/RUNBOOK.md#datastore-failover"
}
