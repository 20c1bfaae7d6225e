module "network" {
  source = "../modules/network"

  name       = "payments"
  cidr_block = "10.20.0.0/16"
}

resource "aws_lb_target_group" "api" {
  name        = "payments-api"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = module.network.vpc_id

  health_check {
    path                = "/healthz"
    healthy_threshold   = 2
    unhealthy_threshold = 3
    interval            = 15
  }
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "payments-api-5xx"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "HTTPCode_Target_5XX_Count"
  namespace           = "AWS/ApplicationELB"
  period              = 60
  statistic           = "Sum"
  threshold           = 10
  alarm_description   = "More than 10 server errors a minute for 3 minutes. Runbook: docs/RUNBOOK.md#troubleshooting"
}

locals {
  tags = { for k, v in var.extra_tags : k => v
    if v != ""
  }
}
