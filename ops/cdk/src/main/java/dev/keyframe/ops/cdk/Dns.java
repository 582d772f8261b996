package dev.keyframe.ops.cdk;

import java.util.Optional;

import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.constructs.Construct;

/** The parent domain's Route 53 zone, when the operator named one; otherwise DNS is done by hand (see the runbook). */
final class Dns {

	private Dns() {
	}

	static Optional<IHostedZone> zone(Construct scope, Settings settings) {
		if (settings.hostedZoneId().isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(HostedZone.fromHostedZoneAttributes(scope, "Zone",
				HostedZoneAttributes.builder().hostedZoneId(settings.hostedZoneId()).zoneName(settings.parentDomain()).build()));
	}

}
