package dev.remit.internal.engine;

import dev.remit.Agent;
import dev.remit.Request;
import dev.remit.RiskClass;
import dev.remit.Tool;

/** The request being decided, with the identities and catalog entry it resolved to. */
public final class Call {
  public final Request request;
  public final Agent agent;
  public final Tool tool;
  public final RiskClass risk;
  public final long now;

  public Call(Request request, Agent agent, Tool tool, RiskClass risk, long now) {
    this.request = request;
    this.agent = agent;
    this.tool = tool;
    this.risk = risk;
    this.now = now;
  }
}
