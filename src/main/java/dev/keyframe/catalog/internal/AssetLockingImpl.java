package dev.keyframe.catalog.internal;

import java.util.Optional;
import java.util.UUID;

import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.persister.entity.EntityPersister;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityNotFoundException;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;

/** {@link AssetLocking} with the persistence context: a locked query of a managed asset would refuse a newer row. */
class AssetLockingImpl implements AssetLocking {

	@PersistenceContext
	private EntityManager em;

	@Override
	public Optional<Asset> lockById(UUID id) {
		SessionImplementor session = em.unwrap(SessionImplementor.class);
		EntityPersister persister = session.getFactory().getMappingMetamodel().getEntityDescriptor(Asset.class);
		Asset managed = session.getPersistenceContextInternal().getEntity(session.generateEntityKey(id, persister))
				instanceof Asset held ? held : null;
		if (managed == null) {
			return Optional.ofNullable(em.find(Asset.class, id, LockModeType.PESSIMISTIC_WRITE));
		}
		if (session.isDirty()) {
			session.flush(); // what this transaction changed is written (version-checked), not lost to the re-read
		}
		try {
			em.refresh(managed, LockModeType.PESSIMISTIC_WRITE);
			return Optional.of(managed);
		}
		catch (EntityNotFoundException ex) {
			em.detach(managed);
			return Optional.empty();
		}
	}

}
