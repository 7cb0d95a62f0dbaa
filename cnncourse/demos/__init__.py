"""The chapters' experiments, each a function a notebook calls: pooling and small shifts
(:mod:`.invariance`, ch. 3), gradients through deep stacks (:mod:`.vanishing`, ch. 4), a CNN
trained with NumPy alone (:mod:`.numpy_cnn`) and the digit classifier recipe
(:mod:`.digit_classifier`, ch. 5), plain vs residual networks (:mod:`.residual_race`, ch. 7);
chapter 9's photos explained (:mod:`.what_cnns_see`), autoencoders (:mod:`.autoencoders`),
segmentation (:mod:`.segmentation`) and detection (:mod:`.detection`)."""
