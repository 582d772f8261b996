package dev.keyframe.live.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.keyframe.live.internal.InputSelector.Switch;

/** When a channel with two feeds goes to its backup, and when it comes back. */
class InputSelectorTests {

	private final InputSelector selector = new InputSelector(new InputSelector.Thresholds(Duration.ofMillis(1500),
			Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)));

	private void bothSending(long from, long to) {
		for (long t = from; t <= to; t += 100) {
			selector.data(FeedRole.PRIMARY, t);
			selector.data(FeedRole.BACKUP, t);
			assertThat(selector.decide(FeedRole.PRIMARY, t)).as("both healthy at %d", t).isEmpty();
		}
	}

	@Test
	void aPrimaryThatStopsSendingGivesWayToTheBackupOnceTheLossOfSignalTimeHasPassed() {
		selector.connected(FeedRole.PRIMARY, 0);
		selector.connected(FeedRole.BACKUP, 0);
		bothSending(0, 5000);
		selector.data(FeedRole.BACKUP, 6000);
		assertThat(selector.decide(FeedRole.PRIMARY, 6000)).as("1.0 s of silence on the wire").isEmpty();
		selector.data(FeedRole.BACKUP, 6500);
		assertThat(selector.decide(FeedRole.PRIMARY, 6500)).contains(
				new Switch(FeedRole.BACKUP, "the primary feed sent no data for 1.5 s"));
	}

	@Test
	void aBackupThatIsUnfitItselfIsNotSwitchedTo() {
		selector.connected(FeedRole.PRIMARY, 0);
		assertThat(selector.decide(FeedRole.PRIMARY, 3000)).as("no backup connected").isEmpty();
		selector.connected(FeedRole.BACKUP, 3000);
		selector.picture(FeedRole.BACKUP, true, 3000);
		assertThat(selector.decide(FeedRole.PRIMARY, 6000)).as("the backup is black too").isEmpty();
		selector.picture(FeedRole.BACKUP, false, 6000);
		selector.data(FeedRole.BACKUP, 6000);
		assertThat(selector.decide(FeedRole.PRIMARY, 6000)).map(Switch::to).contains(FeedRole.BACKUP);
	}

	@Test
	void aBlackPictureSwitchesAfterItsThresholdAndThePrimaryReturnsOnlyAfterTheHoldTime() {
		selector.connected(FeedRole.PRIMARY, 0);
		selector.connected(FeedRole.BACKUP, 0);
		bothSending(0, 2000);
		selector.picture(FeedRole.PRIMARY, true, 2000);
		bothSending(2100, 3900);
		selector.data(FeedRole.PRIMARY, 4000);
		selector.data(FeedRole.BACKUP, 4000);
		assertThat(selector.decide(FeedRole.PRIMARY, 4000)).contains(
				new Switch(FeedRole.BACKUP, "the primary feed showed a black picture for 2.0 s"));
		// the primary's picture comes back at 8 s, flickers black at 12 s, then stays clean
		for (long t = 4100; t <= 30_000; t += 100) {
			selector.data(FeedRole.PRIMARY, t);
			selector.data(FeedRole.BACKUP, t);
			if (t == 8000 || t == 12_200) {
				selector.picture(FeedRole.PRIMARY, false, t);
			}
			if (t == 12_000) {
				selector.picture(FeedRole.PRIMARY, true, t);
			}
			var decided = selector.decide(FeedRole.BACKUP, t);
			if (t < 22_200) {
				assertThat(decided).as("back too early at %d", t).isEmpty();
			}
			else {
				assertThat(decided).as("at %d", t).contains(
						new Switch(FeedRole.PRIMARY, "the primary feed has been healthy for 10.0 s"));
				return;
			}
		}
	}

	@Test
	void silenceCountsFromWhenItBeganAndAFailingBackupHandsBackToAHealthyPrimaryAtOnce() {
		selector.connected(FeedRole.PRIMARY, 0);
		selector.connected(FeedRole.BACKUP, 0);
		bothSending(0, 1000);
		selector.sound(FeedRole.PRIMARY, true, 0);
		selector.data(FeedRole.PRIMARY, 4900);
		assertThat(selector.fault(FeedRole.PRIMARY, 4900)).isNull();
		assertThat(selector.fault(FeedRole.PRIMARY, 5000)).isEqualTo("was silent for 5.0 s");
		selector.sound(FeedRole.PRIMARY, false, 5000);
		selector.data(FeedRole.PRIMARY, 5000);
		selector.disconnected(FeedRole.BACKUP);
		assertThat(selector.decide(FeedRole.BACKUP, 5000)).contains(
				new Switch(FeedRole.PRIMARY, "the backup feed is not connected"));
	}

}
